// Fuzz suite, command line: seeded random and corrupted image files into `hairmatte matte` folder runs,
// and random argument lists (issue 17). A run must end with exit 0, 1 or 2, one summary line on stdout
// when it ran, `hairmatte: ...` lines on stderr, every readable image written and every other one listed;
// never an abort, a stack trace or a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { REPO_ROOT, randomFrame, randomModelBytes } from '../node/helpers.mjs';
import { SEED, cases, rng, mutate } from './random.mjs';

const CLI = path.join(REPO_ROOT, 'bin', 'hairmatte.mjs');
let dir;
let codec;

function cli(args) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  assert.equal(run.error, undefined, `${args.join(' ')}: ${run.error}`);
  return run;
}

function assertClean(run, where) {
  assert.ok([0, 1, 2].includes(run.status), `${where}: exit ${run.status} ${run.signal || ''}\n${run.stderr}`);
  assert.doesNotMatch(run.stderr + run.stdout, /Aborted|RuntimeError|\n\s+at |MaxListeners/, `${where}: ${run.stderr}`);
  for (const line of run.stderr.split('\n').filter(Boolean)) assert.match(line, /^hairmatte: /, `${where}: ${line}`);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-cli-fuzz-'));
  codec = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 1, widthPermille: 250, inputSize: 32 } });
  fs.writeFileSync(path.join(dir, 'tiny.hmm'), await randomModelBytes('hairsegnet', { decoderDepth: 1, widthPermille: 250, inputSize: 32 }));
});

after(() => {
  codec.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`a folder of random and corrupted images: every readable one written, the rest listed (seed ${SEED + 4})`, { timeout: 150000 }, () => {
  const r = rng(SEED + 4);
  const input = path.join(dir, 'photos');
  const n = cases(240);
  let readable = 0;
  for (let i = 0; i < n; i++) {
    const sub = r.chance(0.2) ? `d${r.int(0, 3)}` : '';
    fs.mkdirSync(path.join(input, sub), { recursive: true });
    const valid = codec.encodePng(randomFrame(r.int(1, 40), r.int(1, 40), i + 1));
    const roll = r.next();
    const bytes = roll < 0.25 ? valid : roll < 0.8 ? mutate(r, valid) : roll < 0.95 ? r.bytes(r.int(0, 400)) : new Uint8Array(0);
    const file = path.join(input, sub, `f${i}${r.pick(['.png', '.jpg', '.jpeg', '.PNG'])}`);
    fs.writeFileSync(file, bytes);
    // What the engine itself can decode is what the CLI must write.
    try {
      codec.decodeImage(bytes);
      readable++;
    } catch { /* listed as failed */ }
  }
  const out = path.join(dir, 'mattes');
  const run = cli(['matte', input, '--out', out, '--model', 'tiny.hmm', '--refine', 'none']);
  assertClean(run, 'folder run');
  const failed = n - readable;
  assert.equal(run.status, failed ? 1 : 0, run.stderr);
  assert.equal(run.stdout, `wrote ${readable} matte${readable === 1 ? '' : 's'} to ${out}${failed ? `; ${failed} image${failed === 1 ? '' : 's'} failed` : ''}\n`);
  assert.equal(run.stderr.split('\n').filter(Boolean).length, failed);
  const written = fs.readdirSync(out, { recursive: true }).filter((f) => f.endsWith('.png')).length;
  assert.equal(written, readable);
  console.log(`# cli folder fuzz: ${n} files, ${readable} matted, ${failed} listed as failed`);
});

test(`random argument lists (seed ${SEED + 5})`, { timeout: 150000 }, () => {
  const r = rng(SEED + 5);
  fs.writeFileSync(path.join(dir, 'ok.png'), codec.encodePng(randomFrame(12, 10, 1)));
  fs.writeFileSync(path.join(dir, 'bad.jpg'), 'not an image');
  const tokens = ['ok.png', 'bad.jpg', 'missing.png', '.', '-x', '-', '--', '--out', 'o', 'o.png', 'ok.png', '--model', 'tiny.hmm',
    'hairsegnet', 'nope.bin', '--refine', 'none', 'guided', 'sharp', '--threads', '1', '2', '0', '1,2', '--color', '#8b2252', 'red',
    '--mode', 'ombre', 'stripes', '--strength', '0.5', '1e-1', '2', 'x', '--color-end', '#000000', '--fail-fast', '--keep-going',
    '--progress', '--help', '-h', '--bogus', '--out=', '--strength=', '--threads=1', '--json', '--size', '32'];
  const n = cases(100);
  const codes = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const command = r.pick(['matte', 'matte', 'recolor', 'recolor', 'frobnicate', '--help']);
    const args = [command];
    for (let k = r.int(0, 8); k > 0; k--) args.push(r.pick(tokens));
    // Keep runs small: the tiny model unless another is named.
    if (!args.includes('--model') && r.chance(0.8)) args.push('--model', 'tiny.hmm');
    const run = cli(args);
    assertClean(run, `seed ${SEED + 5} case ${i}: hairmatte ${args.join(' ')}`);
    codes[run.status]++;
  }
  console.log(`# cli argument fuzz: ${n} runs, exit 0/1/2: ${codes.join('/')}`);
});
