// `hairmatte` CLI: happy paths and one-line failures with the right exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, randomModelBytes, randomFrame } from './helpers.mjs';

const CLI = path.join(REPO_ROOT, 'bin', 'hairmatte.mjs');

function cli(...args) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });
  assert.equal(run.error, undefined, String(run.error));
  return run;
}

test('--help and <command> --help print usage and exit 0', () => {
  for (const command of ['matte', 'recolor']) {
    const run = cli(command, '--help');
    assert.equal(run.status, 0);
    assert.match(run.stdout, new RegExp(`usage: hairmatte ${command}`));
  }
  const main = cli('--help');
  assert.equal(main.status, 0);
  assert.match(main.stdout, /usage: hairmatte <command>/);
  assert.match(main.stdout, /bench/);
  const bench = cli('bench', '--help');
  assert.equal(bench.status, 0);
  assert.match(bench.stdout, /--random-weights/);
});

test('bench --random-weights --json: one row per thread count with plausible numbers', () => {
  const run = cli('bench', '--random-weights', '--model', 'hairsegnet', '--size', '64', '--threads', '1,2', '--json');
  assert.equal(run.status, 0, run.stderr);
  const rows = JSON.parse(run.stdout);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((r) => [r.model, r.size, r.threads, r.build, r.runs]),
    [['hairsegnet', 64, 1, 'simd', 30], ['hairsegnet', 64, 2, 'simd-threads', 30]]);
  for (const r of rows) {
    assert.ok(r.medianMs > 0 && r.p10Ms <= r.medianMs && r.medianMs <= r.p90Ms, JSON.stringify(r));
    assert.ok(r.gflops > 0);
  }
});

test('bench --build picks the wasm build each row runs (plain: the no-SIMD reference kernels)', () => {
  const run = cli('bench', '--random-weights', '--size', '32', '--build', 'plain', '--runs', '30', '--warmup', '1', '--json');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).map((r) => [r.build, r.threads]), [['plain', 1]]);
  const threaded = cli('bench', '--random-weights', '--size', '32', '--build', 'simd-threads', '--threads', '1', '--warmup', '1', '--json');
  assert.equal(threaded.status, 0, threaded.stderr);
  assert.deepEqual(JSON.parse(threaded.stdout).map((r) => [r.build, r.threads]), [['simd-threads', 1]]);
});

test('bench prints a table; a model file can be benchmarked', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-cli-'));
  return randomModelBytes('hairmattenet', { decoderDepth: 16, widthPermille: 250, inputSize: 64 }).then((bytes) => {
    const file = path.join(dir, 'small.hmm');
    fs.writeFileSync(file, bytes);
    const run = cli('bench', '--model', file, '--size', '64');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^model\s+weights\s+size\s+threads\s+build\s+refine\s+median ms/m);
    assert.match(run.stdout, /hairmattenet\s+\S+small\.hmm\s+64\s+1\s+simd\s+guided\s+\d/);
    assert.match(run.stdout, /\sfp32\n/);  // the precision column: what the weights were stored as
    fs.rmSync(dir, { recursive: true });
  });
});

test('matte: a folder tree of images -> one grey PNG per image at the same relative path and size', async () => {
  const { HairMatte } = await import('../../bindings/js/index.mjs');
  const hm = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-matte-'));
  try {
    fs.mkdirSync(path.join(dir, 'in', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'in', 'a.png'), hm.encodePng(randomFrame(40, 30, 1)));
    fs.writeFileSync(path.join(dir, 'in', 'sub', 'b.PNG'), hm.encodePng(randomFrame(17, 50, 2)));
    fs.writeFileSync(path.join(dir, 'in', 'notes.txt'), 'not an image');
    const run = cli('matte', path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--random-weights', '--refine', 'none');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /wrote 2 mattes/);
    for (const [rel, w, h] of [['a.png', 40, 30], [path.join('sub', 'b.png'), 17, 50]]) {
      const out = hm.decodeImage(fs.readFileSync(path.join(dir, 'out', rel)));
      assert.deepEqual([out.width, out.height], [w, h], rel);
      for (let i = 0; i < out.data.length; i += 4) {
        assert.ok(out.data[i] === out.data[i + 1] && out.data[i] === out.data[i + 2], 'a grey matte');
      }
    }
    assert.ok(!fs.existsSync(path.join(dir, 'out', 'notes.png')));
  } finally {
    hm.dispose();
    fs.rmSync(dir, { recursive: true });
  }
});

// One redraw of the bar: `\r[####------...] DONE/TOTAL LABEL` (bin/images.mjs progress()).
const BAR_FRAME = /^\[([#-]{30})\] (\d+)\/(\d+) (.*?)\s*$/;

function barFrames(text) {
  return text.split('\r').filter((part) => part.trim() !== '').map((part) => {
    const m = BAR_FRAME.exec(part.trim());
    assert.ok(m, `not a progress-bar frame: ${JSON.stringify(part)}`);
    return { filled: m[1].split('#').length - 1, done: Number(m[2]), total: Number(m[3]), label: m[4] };
  });
}

const shellQuote = (arg) => `'${arg.replace(/'/g, `'\\''`)}'`;

test('matte: a folder gets a progress bar (terminal or --progress) that counts its images, then a summary line; piped output stays clean', async () => {
  const { HairMatte } = await import('../../bindings/js/index.mjs');
  const hm = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-progress-'));
  try {
    const input = path.join(dir, 'in'), out = path.join(dir, 'out');
    fs.mkdirSync(path.join(input, 'sub'), { recursive: true });
    const files = [path.join(input, 'a.png'), path.join(input, 'b.png'), path.join(input, 'sub', 'c.png')];
    files.forEach((file, i) => fs.writeFileSync(file, hm.encodePng(randomFrame(24 + i, 20, i + 1))));
    fs.writeFileSync(path.join(input, 'readme.txt'), 'not an image: not counted');
    const args = ['matte', input, '--out', out, '--random-weights', '--refine', 'none'];
    const summary = `wrote 3 mattes to ${out}\n`;

    // Piped (not a terminal): no bar, stdout is exactly the summary line.
    const piped = cli(...args);
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(piped.stderr, '');
    assert.equal(piped.stdout, summary);

    // --progress: one frame before each image and a final 3/3, filled in proportion, closed by a newline.
    const forced = cli(...args, '--progress');
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(forced.stdout, summary);
    assert.ok(forced.stderr.endsWith('\n'), 'the bar ends its line');
    const frames = barFrames(forced.stderr);
    assert.deepEqual(frames.map((f) => f.done), [0, 1, 2, 3]);
    assert.ok(frames.every((f) => f.total === 3), 'the total counts the three images, not readme.txt');
    assert.deepEqual(frames.map((f) => f.label), [...files, 'done']);
    assert.deepEqual(frames.map((f) => f.filled), [0, 10, 20, 30]);

    // One image: no bar even when forced (nothing to count).
    const single = cli('matte', files[0], '--out', out, '--random-weights', '--progress');
    assert.equal(single.status, 0, single.stderr);
    assert.equal(single.stderr, '');
    assert.equal(single.stdout, `wrote 1 matte to ${out}\n`);

    // A real terminal (util-linux `script` gives the command a pseudo-terminal): the bar shows unasked.
    if (fs.existsSync('/usr/bin/script')) {
      const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
      const tty = spawnSync('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });
      assert.equal(tty.status, 0, tty.stdout);
      const text = tty.stdout.replace(/\r\n/g, '\n');
      assert.ok(text.endsWith(summary), `the summary line comes last: ${JSON.stringify(text.slice(-200))}`);
      const bar = text.slice(0, text.length - summary.length);
      assert.deepEqual(barFrames(bar).map((f) => `${f.done}/${f.total}`), ['0/3', '1/3', '2/3', '3/3']);
    } else {
      console.log('/usr/bin/script is absent: the pseudo-terminal case is not run');
    }
  } finally {
    hm.dispose();
    fs.rmSync(dir, { recursive: true });
  }
});

test('recolor: writes the recoloured photo as a PNG of the same size', async () => {
  const { HairMatte } = await import('../../bindings/js/index.mjs');
  const hm = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-recolor-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.png'), hm.encodePng(randomFrame(33, 44, 3)));
    const out = path.join(dir, 'deep', 'out.png');
    const run = cli('recolor', path.join(dir, 'in.png'), '--color', '#8b2252', '--mode', 'ombre', '--color-end', '#c9a16b',
      '--strength', '0.7', '--out', out, '--random-weights');
    assert.equal(run.status, 0, run.stderr);
    const image = hm.decodeImage(fs.readFileSync(out));
    assert.deepEqual([image.width, image.height], [33, 44]);
  } finally {
    hm.dispose();
    fs.rmSync(dir, { recursive: true });
  }
});

const FAILURES = [
  [['matte', 'x.png'], 2, /matte needs --out DIR/],
  [['matte', '--out', '/tmp/never'], 2, /no input images given/],
  [['matte', '/no/such/photo.jpg', '--out', '/tmp/never', '--random-weights'], 1, /\/no\/such\/photo\.jpg: no such file or folder/],
  [['matte', 'x.png', '--out', 'o', '--refine', 'sharp'], 2, /--refine must be guided or none/],
  [['matte', 'x.png', '--out', 'o', '--threads', '1,2'], 2, /--threads takes one number here/],
  [['recolor', 'a.png', '--out', 'o.png'], 2, /recolor needs --color/],
  [['recolor', 'a.png', '--color', '#123456'], 2, /recolor needs --out FILE\.png/],
  [['recolor', 'a.png', 'b.png', '--color', '#123456', '--out', 'o.png'], 2, /exactly one image, got 2/],
  [['recolor', 'a.png', '--color', '#123456', '--out', 'o.jpg'], 2, /--out must name a \.png file/],
  [['recolor', 'a.png', '--color', '#123456', '--out', 'o.png', '--strength', '1.5'], 2, /--strength must be a number in 0\.\.1/],
  [['frobnicate'], 2, /unknown command 'frobnicate'/],
  [['bench', '--size', '33', '--random-weights'], 2, /--size must be a positive multiple of 32/],
  [['bench', '--size'], 2, /--size needs a value/],
  [['bench', '--size', 'big'], 2, /--size must be a non-negative integer/],
  [['bench', '--threads', '1,x'], 2, /--threads must be an integer or a comma list/],
  [['bench', '--threads', '0', '--random-weights'], 2, /--threads must be in 1\.\.16/],
  [['bench', '--runs', '5', '--random-weights'], 2, /--runs must be at least 30/],
  [['bench', '--bogus'], 2, /unknown option --bogus/],
  [['bench', '--refine', 'sharp', '--random-weights'], 2, /--refine must be guided or none/],
  [['bench', '--build', 'fast', '--random-weights'], 2, /--build must be one of auto, simd-threads, simd, plain, got 'fast'/],
  [['bench', '--build', 'simd', '--threads', '2', '--random-weights'], 2, /the 'simd' build runs on one thread, but threads is 2/],
  [['bench', '--json=yes'], 2, /--json takes no value/],
  [['bench', 'extra'], 2, /no positional arguments/],
  [['bench', '--random-weights', '--model', 'resnet'], 2, /needs an architecture name/],
  [['bench', '--model', '/no/such/file.hmm'], 1, /cannot read the model file/],
];

for (const [args, code, message] of FAILURES) {
  test(`hairmatte ${args.join(' ')} -> exit ${code}, one line on stderr`, () => {
    const run = cli(...args);
    assert.equal(run.status, code, run.stderr);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /^hairmatte: [^\n]+\n$/, `not one line: ${JSON.stringify(run.stderr)}`);
    assert.equal(run.stdout, '');
  });
}
