// The peer benchmark's parts against independent references: the networks built in tfjs and ONNX (and our
// engine, when dist/ is built) against the naive float64 implementation, at 64x64 so it stays fast.
//   node --test benchmarks/peers/
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, countMultiplyAdds, ARCH_HAIRSEGNET, ARCH_HAIRMATTENET } from './architecture.mjs';
import { writeModelFile, readModelFile, weightsForGraph, crc32, floatToHalf } from './model-file.mjs';
import { randomModel, randomModelFile } from './random-weights.mjs';
import { runReference } from './reference-net.mjs';
import { testFrame, maxAbsDiff, runSession } from './peer-session.mjs';
import { createTfjsRunner } from './tfjs-net.mjs';
import { createOnnxRunner, buildOnnxModel } from './onnx-net.mjs';
import { createHairMatteRunner, hairmatteUnavailableReason } from './hairmatte-net.mjs';
import { addSpeedups, formatReport } from './report.mjs';
import { findHmInfer, nativeProbability, HM_INFER_MISSING } from './native-probability.mjs';

const SIZE = 64;
const FLOAT_TOLERANCE = 1e-5;  // float32 engines vs the float64 reference (observed ~1e-6)

function setup(arch, seed = 3) {
  const bytes = randomModelFile({ arch }, seed);
  const model = readModelFile(bytes);
  const graph = buildGraph(model);
  return { bytes, graph, weights: weightsForGraph(model, graph) };
}

function stdOf(p) {
  const mean = p.reduce((a, b) => a + b, 0) / p.length;
  return Math.sqrt(p.reduce((a, b) => a + (b - mean) ** 2, 0) / p.length);
}

test('HairMatteNet 224 has the 1.093 G multiply-adds of TOOLCHAIN.md; shapes follow docs/model-format.md', () => {
  const g = buildGraph({ arch: ARCH_HAIRMATTENET, decoderDepth: 64, widthPermille: 1000 });
  assert.equal(Math.round(countMultiplyAdds(g, 224) / 1e6), 1093);
  const shape = new Map(g.weights.map((w) => [w.name, w.shape.join('x')]));
  assert.equal(shape.get('enc.conv0.weight'), '32x3x3x3');
  assert.equal(shape.get('enc.dw13.weight'), '1024x1x3x3');
  assert.equal(shape.get('dec1.skip.weight'), '1024x512x1x1');
  assert.equal(shape.get('dec4.skip.weight'), '64x64x1x1');
  assert.equal(shape.get('dec5.pw.weight'), '64x64x1x1');
  assert.equal(shape.get('head.weight'), '2x64x1x1');
  assert.equal(shape.has('dec5.skip.weight'), false);
  const seg = buildGraph({ arch: ARCH_HAIRSEGNET, decoderDepth: 64, widthPermille: 750 });
  assert.equal(new Map(seg.weights.map((w) => [w.name, w.shape.join('x')])).get('dec1.pw.weight'), '64x768x1x1');
  assert.equal(seg.ops.filter((o) => o.op === 'upsample2').length, 3);
  assert.deepEqual(seg.ops.filter((o) => o.dilation === 4).map((o) => o.output), ['enc.dw13']);
});

test('model file: round trip, CRC of a known string, corruption and truncation are rejected', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);  // the CRC-32 check value
  const model = randomModel({ arch: ARCH_HAIRSEGNET, decoderDepth: 16, widthPermille: 250 }, 9);
  const bytes = writeModelFile(model);
  const back = readModelFile(bytes);
  assert.equal(back.arch, ARCH_HAIRSEGNET);
  assert.equal(back.decoderDepth, 16);
  assert.equal(back.tensors.length, model.tensors.length);
  for (let i = 0; i < model.tensors.length; i++) {
    assert.equal(back.tensors[i].name, model.tensors[i].name);
    assert.deepEqual(back.tensors[i].data, model.tensors[i].data);
  }
  const corrupt = bytes.slice();
  corrupt[bytes.length >> 1] ^= 1;
  assert.throws(() => readModelFile(corrupt), /CRC/);
  assert.throws(() => readModelFile(bytes.subarray(0, 30)), /truncated/);
  const wrongVersion = bytes.slice();
  wrongVersion[8] = 4;  // 1, 2 and 3 exist
  assert.throws(() => readModelFile(wrongVersion), /version|CRC/);
});

test('float16 model files: exact values survive, others round to the nearest half', () => {
  // Independent expectations: bit patterns of IEEE binary16 and values exactly representable in it.
  assert.equal(floatToHalf(1), 0x3c00);
  assert.equal(floatToHalf(-2), 0xc000);
  assert.equal(floatToHalf(65504), 0x7bff);
  assert.equal(floatToHalf(2 ** -24), 0x0001);     // smallest subnormal
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00); // a tie rounds to even
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(floatToHalf(1e6), 0x7c00);
  const exact = Float32Array.from([0, 1, -1.5, 0.099609375, 2 ** -20, -(2 ** -24), 1025, 65504]);
  const inexact = Float32Array.from([0.1, -0.3, 3.14159]);
  const model = { arch: ARCH_HAIRSEGNET, decoderDepth: 64, widthPermille: 1000, inputSize: 224, metadata: {},
    tensors: [{ name: 'a', shape: [8], data: exact }, { name: 'b', shape: [3], data: inexact }] };
  const back = readModelFile(writeModelFile(model, { f16: true }));
  assert.deepEqual(back.tensors[0].data, exact);
  back.tensors[1].data.forEach((v, i) => assert.ok(Math.abs(v - inexact[i]) <= Math.abs(inexact[i]) * 2 ** -11, `${v}`));
});

test('random weights are deterministic in the seed and differ across seeds', () => {
  const a = randomModel({ arch: ARCH_HAIRMATTENET }, 5).tensors[3].data;
  const b = randomModel({ arch: ARCH_HAIRMATTENET }, 5).tensors[3].data;
  const c = randomModel({ arch: ARCH_HAIRMATTENET }, 6).tensors[3].data;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('ONNX bytes start with ir_version then producer (protobuf tags 0x08, 0x12)', () => {
  const { graph, weights } = setup(ARCH_HAIRMATTENET);
  const bytes = buildOnnxModel(graph, weights, SIZE);
  assert.equal(bytes[0], 0x08);  // field 1, varint
  assert.equal(bytes[1], 8);     // IR version 8
  assert.equal(bytes[2], 0x12);  // field 2, length-delimited
});

for (const arch of [ARCH_HAIRMATTENET, ARCH_HAIRSEGNET]) {
  const name = arch === ARCH_HAIRMATTENET ? 'HairMatteNet' : 'HairSegNet';
  test(`${name} ${SIZE}x${SIZE}: tfjs-wasm, onnxruntime-web (and hairmatte when built) match the float64 reference`, async (t) => {
    const { bytes, graph, weights } = setup(arch);
    const frame = testFrame(SIZE);
    const reference = runReference(graph, weights, frame, SIZE);
    assert.ok(stdOf(reference) > 0.02, 'the random network must not give a flat output');

    // The check is sensitive: other weights give a clearly different output.
    const other = setup(arch, 4);
    assert.ok(maxAbsDiff(runReference(other.graph, other.weights, frame, SIZE), reference) > 1e-2);

    for (const create of [createTfjsRunner, createOnnxRunner]) {
      const runner = await create({ graph, weights, size: SIZE, threads: 1 });
      runner.setInput(frame);
      const diff = maxAbsDiff(await runner.run(), reference);
      await runner.dispose();
      assert.ok(diff <= FLOAT_TOLERANCE, `${runner.name}: max diff ${diff}`);
    }

    const hmInfer = findHmInfer();
    if (hmInfer) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-peers-test-'));
      try {
        const file = path.join(dir, 'model.hmm');
        fs.writeFileSync(file, bytes);
        const diff = maxAbsDiff(nativeProbability(hmInfer, file, frame, SIZE), reference);
        assert.ok(diff <= FLOAT_TOLERANCE, `native hm_infer: max diff ${diff}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      t.diagnostic(`native float output not compared (SKIPPED part): ${HM_INFER_MISSING}`);
    }

    const reason = hairmatteUnavailableReason(1);
    if (reason) {
      t.diagnostic(`hairmatte not compared (SKIPPED part): ${reason}`);
      return;
    }
    const ours = await createHairMatteRunner({ modelBytes: bytes, size: SIZE, threads: 1 });
    ours.setInput(frame);
    const diff = maxAbsDiff(await ours.run(), ours.toOutputSpace(reference));
    ours.dispose();
    assert.ok(diff <= ours.alphaTolerance + FLOAT_TOLERANCE, `hairmatte alpha/255 after matte levels: max diff ${diff}`);
  });
}

test('a session times only after the parity check passes, and stops on a disagreement', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-peers-test-'));
  try {
    const file = path.join(dir, 'hairmattenet.hmm');
    fs.writeFileSync(file, randomModelFile({ arch: ARCH_HAIRMATTENET }, 2));
    const config = { threads: 1, size: 32, runs: 3, warmup: 1, engines: ['tfjs-wasm', 'onnxruntime-web'],
      models: [{ arch: 'hairmattenet', file }] };
    const quiet = () => {};
    const good = await runSession({ ...config, tolerance: 1e-4 }, quiet);
    assert.equal(good.ok, true);
    assert.equal(good.rows.length, 2);
    assert.ok(good.rows.every((r) => r.runs === 3 && r.medianMs > 0 && r.p10Ms <= r.medianMs && r.medianMs <= r.p90Ms));
    // float32 engines never agree to the last bit on a whole network: tolerance 0 must report a mismatch.
    const strict = await runSession({ ...config, tolerance: 0 }, quiet);
    assert.equal(strict.ok, false);
    assert.equal(strict.parity[0].pass, false);
    assert.equal(strict.rows.length, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('speed-ups are peer median / hairmatte median at the same arch and threads', () => {
  const rows = addSpeedups([
    { arch: 'a', threads: 1, size: 224, engine: 'hairmatte', medianMs: 50 },
    { arch: 'a', threads: 1, size: 224, engine: 'tfjs-wasm', medianMs: 80 },
    { arch: 'a', threads: 2, size: 224, engine: 'tfjs-wasm', medianMs: 40 },
  ]);
  assert.equal(rows[1].hairmatteSpeedup, 1.6);
  assert.deepEqual(rows[0].speedupVs, { 'tfjs-wasm': 1.6 });
  assert.equal(rows[2].hairmatteSpeedup, undefined);
});

// A hand-made .hmm file of `version` (the reader checks structure, not the architecture's tensor list):
// records [name, dtype, shape, raw data bytes], padded as docs/model-format.md says. Returns { bytes, fixCrc }.
function handMadeFile(version, records) {
  const enc = new TextEncoder();
  const parts = [];
  let size = 36;
  for (const [name, dtype, shape, data] of records) {
    const head = 2 + name.length + 2 + 4 * shape.length;
    const pad = (4 - ((size + head) % 4)) % 4;
    parts.push({ name, dtype, shape, data, offset: size, dataOffset: size + head + pad });
    size += head + pad + data.byteLength;
  }
  const bytes = new Uint8Array(size + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(enc.encode('HAIRMATT'));
  [version, ARCH_HAIRMATTENET, 16, 250, 64, records.length, 0].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  for (const p of parts) {
    view.setUint16(p.offset, p.name.length, true);
    bytes.set(enc.encode(p.name), p.offset + 2);
    view.setUint8(p.offset + 2 + p.name.length, p.dtype);
    view.setUint8(p.offset + 3 + p.name.length, p.shape.length);
    p.shape.forEach((d, i) => view.setUint32(p.offset + 4 + p.name.length + 4 * i, d, true));
    bytes.set(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength), p.dataOffset);
  }
  const fixCrc = (b) => { new DataView(b.buffer).setUint32(size, crc32(b.subarray(0, size)), true); return b; };
  return { bytes: fixCrc(bytes), fixCrc, parts };
}

test('the model reader reads version-2 (int8) files: int8 / int32 tensors and precision', () => {
  const records = [['w', 3, [2, 3], Int8Array.from([-127, 0, 5, 127, -1, 2])], ['b', 4, [2], Int32Array.from([-70000, 9])],
    ['s', 1, [2], Float32Array.from([0.5, 0.25])]];
  const { bytes, fixCrc } = handMadeFile(2, records);
  const model = readModelFile(bytes);
  assert.equal(model.precision, 'int8');
  assert.deepEqual(model.tensors.map((t) => [t.name, t.data.constructor.name, [...t.data]]), records.map(([n, , , d]) => [n, d.constructor.name, [...d]]));
  const v1 = bytes.slice();
  v1[8] = 1;
  assert.throws(() => readModelFile(fixCrc(v1)), /unknown dtype 3 in a version 1 file/);
});

test('the model reader reads version-3 files: codebook-packed weights as the Int8Array they encode', () => {
  // 5 weights [-127, 9, 9, 0, 127]: levels -127, 0, 9, 127 (+ 12 unused zeros), indices 0 2 2 1 3, low nibble first.
  const packed = new Uint8Array(4 + 16 + 4 + 3);
  const view = new DataView(packed.buffer);
  view.setUint32(0, 16, true);
  Int8Array.from([-127, 0, 9, 127]).forEach((v, k) => view.setInt8(4 + k, v));
  view.setUint32(20, 3, true);
  packed.set([0x20, 0x12, 0x03], 24);
  const { bytes, fixCrc, parts } = handMadeFile(3, [['w', 5, [5, 1, 1, 1], packed], ['b', 4, [1], Int32Array.from([7])]]);
  const model = readModelFile(bytes);
  assert.equal(model.precision, 'int8');
  assert.deepEqual([...model.tensors[0].data], [-127, 9, 9, 0, 127]);
  assert.equal(model.tensors[0].data.constructor.name, 'Int8Array');
  assert.deepEqual([...model.tensors[1].data], [7]);
  const edited = (at, value) => { const b = bytes.slice(); b[parts[0].dataOffset + at] = value; return fixCrc(b); };
  assert.throws(() => readModelFile(edited(0, 8)), /tensor w: packed int8 codebook length 8, the format's is 16/);
  assert.throws(() => readModelFile(edited(4 + 5, 0x80)), /tensor w: codebook level -128 at entry 5/);
  assert.throws(() => readModelFile(edited(20, 4)), /tensor w: packed int8 index data is 4 bytes but its 5 weights need 3/);
  const v2 = bytes.slice();
  v2[8] = 2;
  assert.throws(() => readModelFile(fixCrc(v2)), /unknown dtype 5 in a version 2 file/);
});

test('the report names each int8 row by its network shape and counts each one\'s multiply-adds', () => {
  const row = (engine, ms, macs, shape) => ({ arch: 'hairmattenet', size: 224, threads: 1, engine, version: '0.1.0',
    runs: 30, medianMs: ms, p10Ms: ms, p90Ms: ms, minMs: ms, multiplyAdds: macs, gflops: 2 * macs / (ms * 1e6),
    ...(shape ? { shape } : {}) });
  const rows = [row('hairmatte', 70, 1.093e9), row('tfjs-wasm', 112, 1.093e9),
    row('hairmatte-int8', 43.5, 1.093e9, 'w1 d64'), row('hairmatte-int8', 27.2, 0.629e9, 'w0.75 d48')];
  addSpeedups(rows);
  const text = formatReport({ size: 224, date: 'today', machine: { cpu: 'cpu', logicalCores: 2, platform: 'linux',
    node: 'v20', loadAverage: [1, 1, 1], loadAverageAfter: [1, 1, 1] }, models: [], skipped: [], parity: [], rows,
  runs: 30, warmup: 5, int8: true }, { minRuns: 30 });
  assert.match(text, /hairmatte-int8 w1 d64 +43\.5 .*1\.61x vs hairmatte, 2\.57x vs tfjs-wasm/);
  assert.match(text, /hairmatte-int8 w0\.75 d48 +27\.2 .*2\.57x vs hairmatte, 4\.12x vs tfjs-wasm/);
  assert.match(text, /hairmattenet int8 w1 d64: 1\.093 G multiply-adds/);
  assert.match(text, /hairmattenet int8 w0\.75 d48: 0\.629 G multiply-adds/);
  assert.match(text, /hairmatte 0\.1\.0 +70\.0 /);
});
