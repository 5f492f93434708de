// Issue 17, finding 4: a CLI folder run survives bad files, and options parse as users of batch tools
// expect (one exit status per kind of failure, no option taken for a file, numbers in any usual notation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { REPO_ROOT, randomFrame, randomModelBytes } from './helpers.mjs';

const CLI = path.join(REPO_ROOT, 'bin', 'hairmatte.mjs');
const WEIGHTS = ['--random-weights', '--model', 'hairsegnet', '--refine', 'none'];
let dir;
let png;  // encodes test images
let encoder;

function cli(args, cwd = REPO_ROOT) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120000 });
  assert.equal(run.error, undefined, String(run.error));
  return run;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-batch-'));
  const hm = encoder = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 1, widthPermille: 250, inputSize: 32 } });
  png = (w, h, seed) => hm.encodePng(randomFrame(w, h, seed));
  const input = path.join(dir, 'in');
  fs.mkdirSync(path.join(input, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(input, 'a.png'), png(20, 16, 1));
  fs.writeFileSync(path.join(input, 'b-text.jpg'), 'this is a text file named .jpg\n');
  fs.writeFileSync(path.join(input, 'c.png'), png(12, 30, 2));
  fs.writeFileSync(path.join(input, 'd-cut.png'), png(16, 16, 3).subarray(0, 40));
  fs.writeFileSync(path.join(input, 'sub', 'e.png'), png(9, 9, 4));
  // Outside the input folder, reached through links.
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  fs.writeFileSync(path.join(dir, 'elsewhere', 'linked.png'), png(10, 11, 5));
  fs.symlinkSync(path.join(dir, 'elsewhere', 'linked.png'), path.join(input, 'f-link.png'));
  fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(input, 'g-linked-folder'));
  fs.symlinkSync(path.join(dir, 'missing.png'), path.join(input, 'h-broken.png'));
  fs.symlinkSync(input, path.join(input, 'sub', 'loop'));  // a loop: walked once
});

after(() => {
  encoder.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('matte on a folder with bad files: every readable image is written, the bad ones are listed, exit 1', () => {
  const out = path.join(dir, 'out-keep');
  const run = cli(['matte', path.join(dir, 'in'), '--out', out, ...WEIGHTS]);
  assert.equal(run.status, 1, run.stderr);
  const written = ['a.png', 'c.png', 'f-link.png', path.join('g-linked-folder', 'linked.png'), path.join('sub', 'e.png')];
  for (const rel of written) assert.ok(fs.existsSync(path.join(out, rel)), `${rel} not written; stderr: ${run.stderr}`);
  assert.match(run.stdout, /^wrote 5 mattes to .*; 3 images failed\n$/);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 3, run.stderr);
  assert.match(run.stderr, /b-text\.jpg: .*not a readable JPEG or PNG image/);
  assert.match(run.stderr, /d-cut\.png: /);
  assert.match(run.stderr, /h-broken\.png: symbolic link: no such file or folder/);
  // --keep-going says the default out loud.
  const again = cli(['matte', path.join(dir, 'in'), '--out', path.join(dir, 'out-keep2'), '--keep-going', ...WEIGHTS]);
  assert.equal(again.status, 1);
  assert.equal(again.stdout, run.stdout.replace('out-keep', 'out-keep2'));
});

test('--fail-fast stops at the first failure with exit 1', () => {
  const out = path.join(dir, 'out-fast');
  fs.mkdirSync(path.join(dir, 'fast'));
  fs.writeFileSync(path.join(dir, 'fast', 'a.png'), png(8, 8, 1));
  fs.writeFileSync(path.join(dir, 'fast', 'b.jpg'), 'text');
  fs.writeFileSync(path.join(dir, 'fast', 'c.png'), png(8, 8, 2));
  const run = cli(['matte', path.join(dir, 'fast'), '--out', out, '--fail-fast', ...WEIGHTS]);
  assert.equal(run.status, 1, run.stderr);
  assert.ok(fs.existsSync(path.join(out, 'a.png')));
  assert.ok(!fs.existsSync(path.join(out, 'c.png')), 'went on after the failure');
  assert.match(run.stdout, /wrote 1 matte .*1 image failed \(stopped at the first failure, --fail-fast; 1 not tried\)/);
  assert.equal(cli(['matte', 'x.png', '--out', out, '--fail-fast', '--keep-going']).status, 2);
});

test('a single bad file given by name: one line on stderr, exit 1', () => {
  const run = cli(['matte', 'package.json', '--out', path.join(dir, 'out-one'), ...WEIGHTS]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^hairmatte: package\.json: not a readable JPEG or PNG image[^\n]*\n$/);
});

test('options: -x is an unknown option (exit 2), -- ends the options, ./-x is a file', () => {
  const bad = cli(['matte', '-x', '--out', path.join(dir, 'o'), ...WEIGHTS]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^hairmatte: unknown option -x/);
  fs.writeFileSync(path.join(dir, '-x.png'), png(8, 8, 9));
  for (const args of [['--', '-x.png'], ['./-x.png']]) {
    const run = cli(['matte', '--out', path.join(dir, 'out-dash'), ...WEIGHTS, ...args], dir);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'out-dash', '-x.png')));
  }
  assert.equal(cli(['matte', '-h']).status, 0);
});

test('--model FILE works without ./ (any file name)', async () => {
  fs.writeFileSync(path.join(dir, 'mymodel.bin'), await randomModelBytes('hairsegnet', { decoderDepth: 1, widthPermille: 250, inputSize: 32 }));
  fs.writeFileSync(path.join(dir, 'p.png'), png(8, 8, 1));
  const run = cli(['matte', 'p.png', '--out', 'out-model', '--model', 'mymodel.bin', '--refine', 'none'], dir);
  assert.equal(run.status, 0, run.stderr);
  const missing = cli(['matte', 'p.png', '--out', 'out-model', '--model', 'nomodel.bin'], dir);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read the model file .*nomodel\.bin/);
});

test('bad option values exit 2 whichever layer notices them', () => {
  const image = path.join(dir, 'in', 'a.png');
  for (const args of [
    ['recolor', image, '--color', 'red', '--out', path.join(dir, 'r.png')],
    ['recolor', image, '--color', '#123456', '--color-end', '#12345', '--out', path.join(dir, 'r.png')],
    ['recolor', image, '--color', '#123456', '--mode', 'stripes', '--out', path.join(dir, 'r.png')],
    ['bench', '--build', 'plain', '--threads', '2', '--random-weights'],
  ]) {
    const run = cli(args);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /^hairmatte: [^\n]+\n$/);
  }
});

test('--strength takes 1e-1, .5 and 5E-1', () => {
  const image = path.join(dir, 'in', 'a.png');
  for (const strength of ['1e-1', '.5', '5E-1', '1']) {
    const run = cli(['recolor', image, '--color', '#8b2252', '--strength', strength, '--out', path.join(dir, 'r.png'), ...WEIGHTS]);
    assert.equal(run.status, 0, `${strength}: ${run.stderr}`);
  }
  for (const strength of ['0x1', 'Infinity', '', '1e1', '-0.5']) {
    assert.equal(cli(['recolor', image, '--color', '#8b2252', `--strength=${strength}`, '--out', path.join(dir, 'r.png')]).status, 2, strength);
  }
});

test('--out naming a file is a clear usage error, not EEXIST', () => {
  const file = path.join(dir, 'not-a-folder');
  fs.writeFileSync(file, 'x');
  const run = cli(['matte', path.join(dir, 'in', 'a.png'), '--out', file, ...WEIGHTS]);
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^hairmatte: --out .*not-a-folder: exists and is not a folder\n$/);
  assert.doesNotMatch(run.stderr, /EEXIST/);
});

test('a model whose network is too large for the wasm memory: one line naming both sizes, exit 1, no "Aborted()"', async () => {
  const bundled = path.join(REPO_ROOT, 'dist', 'models', 'hairmattenet.hmm');
  if (!fs.existsSync(bundled)) return;  // made by scripts/build-wasm.sh
  const { crc32 } = await import('../../benchmarks/peers/model-file.mjs');
  const bytes = new Uint8Array(fs.readFileSync(bundled));
  const view = new DataView(bytes.buffer);
  view.setUint32(24, 4096, true);  // the header's input size
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  fs.writeFileSync(path.join(dir, 'big.hmm'), bytes);
  const run = cli(['matte', path.join(dir, 'in', 'a.png'), '--out', path.join(dir, 'out-big'), '--model', path.join(dir, 'big.hmm')]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /^hairmatte: hairmattenet \(decoder depth 64\) at input 4096 needs \d+ MB of memory .* but the wasm memory limit is 2048 MB[^\n]*\n$/);
  assert.doesNotMatch(run.stderr + run.stdout, /Aborted/);
});
