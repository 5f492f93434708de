// The int8 network end to end: a quantised model file written by training/ (int8_file.py, from a small
// random float model calibrated on synthetic photos), loaded by the wasm engine, must compute what the
// quantiser's simulated int8 network (hairmatte_train/quantize.py int8_forward, PyTorch, the independent
// reference) computes on the same bytes: tests/node/int8_reference.py writes the model, the photos and
// the reference probabilities. And the JS API's side of the format: info.precision, and corrupted int8
// files rejected with an Error naming what is wrong, the instance usable afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { ARCH_NAMES } from '../../bindings/js/constants.mjs';
import { REPO_ROOT } from './helpers.mjs';

const PYTHON = '/usr/bin/python3';
const SIZE = 64;
// The engine and the simulation share every integer; they differ only in the head's fp32 softmax
// (exp and division order): a few float32 ulps.
const TOLERANCE = 1e-5;

function reference(arch, width, depth) {
  if (!fs.existsSync(PYTHON)) return { skip: `${PYTHON} is absent` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hm-int8-${arch}-`));
  const run = spawnSync(PYTHON, [path.join(REPO_ROOT, 'tests', 'node', 'int8_reference.py'), dir, arch, String(width),
    String(depth), String(SIZE)], { encoding: 'utf8' });
  if (run.status === 3) return { skip: `no torch for ${PYTHON} (${run.stderr.trim()})` };
  if (run.status !== 0) throw new Error(`int8_reference.py failed (${run.status}): ${run.stderr}`);
  const floats = (name) => { const b = fs.readFileSync(path.join(dir, name)); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
  const out = { model: new Uint8Array(fs.readFileSync(path.join(dir, 'model.hmm'))), rgb: fs.readFileSync(path.join(dir, 'input.rgb')),
    int8: floats('int8.f32'), float: floats('float.f32') };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function frameOf(rgb, index) {
  const pixels = SIZE * SIZE;
  const data = new Uint8Array(pixels * 4).fill(255);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) data[4 * i + c] = rgb[3 * (index * pixels + i) + c];
  return { data, width: SIZE, height: SIZE };
}

const refs = {};
// Width 0.25 / depth 16 for both architectures; and training/prune.py's width 0.75 / depth 48 network
// (a 24-channel first layer; a decoder depth that is not a power of two).
for (const [arch, width, depth] of [['hairmattenet', 250, 16], ['hairsegnet', 250, 16], ['hairmattenet', 750, 48]]) {
  test(`${arch} width ${width / 1000} depth ${depth} int8: the wasm engine equals the quantiser's simulated int8 ` +
    'network (SIMD 1 and 2 threads, plain)', { timeout: 600000 }, async (t) => {
      const ref = reference(arch, width, depth);
      if (width === 250) refs[arch] = ref;
      if (ref.skip) return t.skip(ref.skip);
      const images = ref.int8.length / (SIZE * SIZE);
      // Not vacuous: int8 and float differ by far more than the tolerance, so the float network would fail.
      const quantisationError = maxAbsDiff(ref.int8, ref.float);
      assert.ok(quantisationError > 100 * TOLERANCE, `int8 vs float only ${quantisationError}`);
      for (const build of [{ threads: 1 }, { threads: 2 }, { build: 'plain' }]) {
        const hm = await HairMatte.create({ model: ref.model, ...build, trackHead: false, refine: 'none' });
        try {
          assert.equal(hm.info.precision, 'int8');
          assert.equal(hm.info.inputSize, SIZE);
          let worst = 0;
          for (let i = 0; i < images; i++) {
            const p = hm.segmentProbability(frameOf(ref.rgb, i));
            worst = Math.max(worst, maxAbsDiff(p.data, ref.int8.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE)));
          }
          console.log(`${arch} int8, ${hm.info.build} build, ${hm.info.threads} thread(s): max |engine - simulated int8| = ` +
            `${worst.toExponential(2)} (int8 vs float: ${quantisationError.toExponential(2)})`);
          assert.ok(worst < TOLERANCE, `max |engine - simulated int8| = ${worst}`);
        } finally {
          hm.dispose();
        }
      }
    });
}

// The data offset of tensor `name` in a .hmm file (docs/model-format.md: name, dtype, rank, dims, padding).
function tensorData(bytes, name) {
  const key = Buffer.from(name, 'ascii');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 36; i < buf.length; i++) {
    if (buf.readUInt16LE(i) === key.length && buf.subarray(i + 2, i + 2 + key.length).equals(key)) {
      const rank = buf[i + 3 + key.length];
      const end = i + 4 + key.length + 4 * rank;
      return end + ((4 - end % 4) % 4);
    }
  }
  throw new Error(`no tensor ${name}`);
}

function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xEDB88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function edited(model, edit) {
  const bytes = new Uint8Array(model);
  const view = new DataView(bytes.buffer);
  edit(view, (name) => tensorData(bytes, name));
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

test('corrupted int8 files are rejected with an Error naming the tensor; the engine works afterwards', { timeout: 600000 }, async (t) => {
  const ref = refs.hairmattenet ?? reference('hairmattenet');
  if (ref.skip) return t.skip(ref.skip);
  const cases = [
    [(v, at) => v.setFloat32(at('enc.pw3.weight_scale') + 4 * 2, 0, true), /tensor 'enc\.pw3\.weight_scale' holds the scale 0\.000000 at element 2: scales must be positive/],
    [(v, at) => v.setFloat32(at('dec2.add.output_scale'), NaN, true), /tensor 'dec2\.add\.output_scale' holds a NaN value/],
    [(v, at) => v.setInt32(at('enc.dw5.output_zero_point'), -129, true), /'enc\.dw5\.output_zero_point' is -129, outside the int8 range -128\.\.127/],
    [(v, at) => v.setInt8(at('dec4.pw.weight') + 3, -128), /'dec4\.pw\.weight' holds -128 at element 3/],
    [(v) => v.setUint32(8, 1, true), /unknown dtype 3/],  // an int8 tensor in a version-1 file
  ];
  for (const [edit, message] of cases) {
    await assert.rejects(HairMatte.create({ model: edited(ref.model, edit) }), message);
  }
  const hm = await HairMatte.create({ model: ref.model });
  try {
    assert.equal(hm.info.precision, 'int8');
    assert.equal(hm.segment(frameOf(ref.rgb, 0)).data.length, SIZE * SIZE);
  } finally {
    hm.dispose();
  }
});

test('hairmatte bench runs an int8 model file and reports its precision', { timeout: 600000 }, async (t) => {
  const ref = refs.hairmattenet ?? reference('hairmattenet');
  if (ref.skip) return t.skip(ref.skip);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-int8-bench-'));
  try {
    const file = path.join(dir, 'small-int8.hmm');
    fs.writeFileSync(file, ref.model);
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'hairmatte.mjs'), 'bench', '--model', file,
      '--size', String(SIZE), '--warmup', '1', '--json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const rows = JSON.parse(run.stdout);
    assert.equal(rows[0].precision, 'int8');
    assert.ok(rows[0].medianMs > 0);
    const random = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'hairmatte.mjs'), 'bench', '--model',
      'hairmattenet-int8', '--random-weights'], { encoding: 'utf8' });
    assert.equal(random.status, 2, 'random int8 weights are a usage error');
    assert.ok(random.stderr.includes(`--random-weights needs an architecture name (${ARCH_NAMES.join(', ')})`),
      random.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the bundled 'hairmattenet-int8' loads as int8 and the fp16 'hairmattenet' as fp16", async (t) => {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'models', 'hairmattenet-int8.hmm'))) {
    return t.skip('dist/models/hairmattenet-int8.hmm is absent (run scripts/build-wasm.sh)');
  }
  for (const [model, precision] of [['hairmattenet-int8', 'int8'], ['hairmattenet', 'fp16']]) {
    const hm = await HairMatte.create({ model });
    try {
      assert.equal(hm.info.model, 'hairmattenet');
      assert.equal(hm.info.precision, precision);
      assert.equal(hm.segment(frameOf(new Uint8Array(SIZE * SIZE * 3).fill(90), 0)).data.length, SIZE * SIZE);
    } finally {
      hm.dispose();
    }
  }
});
