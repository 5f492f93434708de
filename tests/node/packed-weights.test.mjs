// Codebook-packed int8 weights (model file version 3, docs/model-format.md) through the real wasm engine:
// fixtures made from models/hairmattenet-int8.hmm (its four largest convolutions, or all 42, snapped to 16
// levels, training/tests/packed_fixture.py; the layers the shipped model already restricts to a 16-level
// codebook are packed too) written packed and plain must give bit-identical probabilities, on a
// real portrait (../shared/portraits, when present) and a synthetic frame; corrupted packed records are
// rejected with an Error naming the tensor, and the engine keeps working. The bench:peers model reader
// must read the packed file as the plain one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { readModelFile, crc32 } from '../../benchmarks/peers/model-file.mjs';
import { REPO_ROOT, randomFrame } from './helpers.mjs';

const PYTHON = '/usr/bin/python3';
const SOURCE = path.join(REPO_ROOT, 'models', 'hairmattenet-int8.hmm');
const PORTRAITS = path.join(REPO_ROOT, '..', 'shared', 'portraits');
let fixture = null;     // the four largest layers packed
let fixtureAll = null;  // every convolution packed
let skip = null;
let dir = null;

function makeFixture(layers) {
  const out = path.join(dir, layers);
  const run = spawnSync(PYTHON, [path.join(REPO_ROOT, 'training', 'tests', 'packed_fixture.py'), SOURCE, out, layers],
    { encoding: 'utf8' });
  if (run.status !== 0 && /No module named '(numpy|torch)'/.test(run.stderr)) { skip = `no numpy/torch for ${PYTHON}`; return null; }
  assert.equal(run.status, 0, run.stderr);
  return { ...JSON.parse(run.stdout), plainBytes: new Uint8Array(fs.readFileSync(path.join(out, 'plain.hmm'))),
    packedBytes: new Uint8Array(fs.readFileSync(path.join(out, 'packed.hmm'))) };
}

before(() => {
  if (!fs.existsSync(PYTHON)) { skip = `${PYTHON} is absent`; return; }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-packed-'));
  fixture = makeFixture('4');
  if (fixture) fixtureAll = makeFixture('all');
});
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

function frames(hm) {
  const out = [['synthetic', randomFrame(160, 200, 11)]];
  if (fs.existsSync(PORTRAITS)) {
    const file = fs.readdirSync(PORTRAITS).filter((f) => f.endsWith('.jpg')).sort()[0];
    out.push([`portrait ${file}`, hm.decodeImage(fs.readFileSync(path.join(PORTRAITS, file)))]);
  } else {
    console.log(`${PORTRAITS} is absent: synthetic frame only`);
  }
  return out;
}

async function probabilities(model, images) {
  const hm = await HairMatte.create({ model, threads: 1, trackHead: false, refine: 'none' });
  try {
    assert.equal(hm.info.precision, 'int8');
    return images.map(([, frame]) => hm.segmentProbability(frame).data.slice());
  } finally {
    hm.dispose();
  }
}

test('a packed file and its plain twin give bit-identical probabilities through the wasm engine', { timeout: 600000 }, async (t) => {
  if (skip) return t.skip(skip);
  const codec = await HairMatte.create({ model: 'hairsegnet' });
  const images = frames(codec);
  codec.dispose();
  const original = await probabilities(new Uint8Array(fs.readFileSync(SOURCE)), images);
  for (const fx of [fixture, fixtureAll]) {
    assert.equal(fx.packedBytes[8], 3);
    assert.equal(fx.plainBytes[8], 2);
    // The size formula: each packed weight of n values takes 24 + ceil(n / 2) bytes instead of n (every
    // weight count here is even).
    const n = fx.weights_packed;
    assert.equal(fx.plain - fx.packed, n - (fx.packed_layers.length * 24 + n / 2));
    console.log(`fixture, ${fx.packed_layers.length} layers packed: plain ${fx.plain} B, packed ${fx.packed} B`);
    const plain = await probabilities(fx.plainBytes, images);
    const packed = await probabilities(fx.packedBytes, images);
    for (let i = 0; i < images.length; i++) {
      let differ = 0, snapped = 0;
      for (let k = 0; k < plain[i].length; k++) {
        if (!Object.is(plain[i][k], packed[i][k])) differ++;
        snapped = Math.max(snapped, Math.abs(plain[i][k] - original[i][k]));
      }
      console.log(`  ${images[i][0]}: ${differ} of ${plain[i].length} probabilities differ packed vs plain; ` +
        `snapped vs shipped weights max |d| = ${snapped.toFixed(4)}`);
      assert.equal(differ, 0, images[i][0]);
      assert.ok(snapped > 1e-3, 'the snapped layers must change the output, or the comparison proves nothing');
    }
  }
});

// The data offset of tensor `name` (name, dtype, rank, dims, padding as docs/model-format.md says).
function dataOffset(bytes, name) {
  const key = Buffer.from(name, 'ascii');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = buf.indexOf(Buffer.concat([Buffer.from([key.length, 0]), key]), 36);
  assert.ok(at > 0, `no tensor ${name}`);
  const end = at + 4 + key.length + 4 * buf[at + 3 + key.length];
  return end + ((4 - end % 4) % 4);
}

function edited(bytes, edit) {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  edit(view, (name) => dataOffset(out, name));
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

test('corrupted packed records are rejected with an Error naming the tensor; the engine works afterwards', { timeout: 600000 }, async (t) => {
  if (skip) return t.skip(skip);
  const cases = [
    [(v, at) => v.setUint32(at('enc.pw13.weight'), 15, true), /'enc\.pw13\.weight'\): packed int8 codebook length 15, the format's is 16/],
    [(v, at) => v.setUint32(at('enc.pw12.weight') + 20, 7, true), /'enc\.pw12\.weight'\): packed int8 index data is 7 bytes but its 524288 weights \[1024, 512, 1, 1\] need 262144/],
    [(v, at) => v.setInt8(at('dec1.skip.weight') + 4 + 2, -128), /tensor 'dec1\.skip\.weight' has the codebook level -128 at entry 2/],
    [(v) => v.setUint32(8, 2, true), /dtype 5 \(codebook-packed int8\) needs a version 3 file, this is version 2/],
    [(v) => v.setUint32(8, 4, true), /unsupported model file version 4/],
  ];
  for (const [edit, message] of cases) {
    await assert.rejects(HairMatte.create({ model: edited(fixture.packedBytes, edit) }),
      (e) => e instanceof Error && message.test(e.message), String(message));
  }
  const hm = await HairMatte.create({ model: fixture.packedBytes, trackHead: false });
  try {
    const frame = randomFrame(64, 64, 3);
    assert.equal(hm.segment(frame).data.length, 64 * 64);
    assert.equal(hm.info.precision, 'int8');
  } finally {
    hm.dispose();
  }
});

test('the bench:peers model reader reads the packed file as its plain twin', (t) => {
  if (skip) return t.skip(skip);
  const plain = readModelFile(fixture.plainBytes);
  const packed = readModelFile(fixture.packedBytes);
  assert.equal(packed.precision, 'int8');
  assert.deepEqual(packed.tensors.map((x) => x.name), plain.tensors.map((x) => x.name));
  for (let i = 0; i < plain.tensors.length; i++) {
    assert.equal(packed.tensors[i].data.constructor, plain.tensors[i].data.constructor, plain.tensors[i].name);
    assert.deepEqual(packed.tensors[i].shape, plain.tensors[i].shape);
    assert.ok(Buffer.from(packed.tensors[i].data.buffer).equals(Buffer.from(plain.tensors[i].data.buffer)), plain.tensors[i].name);
  }
});

// What a shop page downloads: the bundled int8 model within issue 14's budget (2.2 MB on disk, 2.0 MB
// gzipped, decimal), stored with its codebook layers packed, and it loads as an int8 network.
test('the bundled int8 model fits 2,200,000 bytes on disk and 2,000,000 gzipped, and loads', async () => {
  const bytes = fs.readFileSync(SOURCE);
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  console.log(`models/hairmattenet-int8.hmm: ${bytes.length} B, gzip -9 ${gz} B, version ${bytes[8]}`);
  assert.ok(bytes.length <= 2200000, `${bytes.length} B on disk`);
  assert.ok(gz <= 2000000, `${gz} B gzipped`);
  assert.equal(bytes[8], 3, 'the codebook layers are stored packed (version 3)');
  const hm = await HairMatte.create({ model: 'hairmattenet-int8', threads: 1 });
  try {
    assert.equal(hm.info.precision, 'int8');
    const matte = hm.segment(randomFrame(96, 128, 3));
    assert.equal(matte.width, 96);
  } finally {
    hm.dispose();
  }
});
