// Fuzz suite, JS API: seeded random frames, options and model bytes into HairMatte (issue 17). Every case
// must end in a result of the right shape or an Error from the API's checks; an aborted module
// (RuntimeError), a raw TypeError/RangeError, a hang (the per-test timeout) or an accepted corrupt model
// fails it, and after every bad call the instance must still give the matte it gave before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { loadWasmModule } from '../../bindings/js/loader.mjs';
import { MAX_INPUT_SIZE } from '../../bindings/js/constants.mjs';
import { randomModelBytes, randomFrame } from '../node/helpers.mjs';
import { SEED, cases, rng, mutate, equalBytes, expectApiError } from './random.mjs';

const TINY = { decoderDepth: 4, widthPermille: 250, inputSize: 32 };
const TIMEOUT = { timeout: 120000 };

// A small baseline and a progressive JPEG (16x12, made with PIL), seeds for the decoder cases.
const JPEGS = [
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDzrT/DWcfJ+ldVp/hfOP3f6V1Gm2Fvx8ldhpun2/y/JXzkMTKtuLIc9qqx/9k=',
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wgARCAAMABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAABQb/xAAVAQEBAAAAAAAAAAAAAAAAAAABBf/aAAwDAQACEAMQAAABnFVGJp//xAAXEAADAQAAAAAAAAAAAAAAAAAAAgME/9oACAEBAAEFAp5ieUmik5qf/8QAFhEBAQEAAAAAAAAAAAAAAAAABAAC/9oACAEDAQE/AQO1f//EABcRAQADAAAAAAAAAAAAAAAAAAEAAgP/2gAIAQIBAT8BNG8//8QAFhAAAwAAAAAAAAAAAAAAAAAAABAx/9oACAEBAAY/AiP/xAAYEAACAwAAAAAAAAAAAAAAAAAAIRBRYf/aAAgBAQABPyHCBWFEf//aAAwDAQACAAMAAAAQ/wD/xAAWEQADAAAAAAAAAAAAAAAAAAAAARH/2gAIAQMBAT8QTh//xAAVEQEBAAAAAAAAAAAAAAAAAAAAMf/aAAgBAgEBPxC4/8QAGBABAAMBAAAAAAAAAAAAAAAAEQAQwSH/2gAIAQEAAT8QUzEMTiqH/9k=',
].map((b64) => new Uint8Array(Buffer.from(b64, 'base64')));

// A value for a numeric field: usually sensible, sometimes anything.
function anyNumber(r, lo, hi) {
  return r.chance(0.8) ? r.int(lo, hi) : r.pick([0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 1e9, '8', null, undefined, {}, []]);
}

function anyFrame(r) {
  const width = anyNumber(r, 1, 48), height = anyNumber(r, 1, 48);
  const n = Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width * height < 1e5
    ? width * height * 4 : 16;
  const roll = r.next();
  let data;
  if (roll < 0.7) data = r.bytes(n);
  else if (roll < 0.75) data = new Uint8ClampedArray(r.bytes(n).buffer);
  else if (roll < 0.82) data = r.bytes(Math.max(0, n + r.int(-8, 8)));
  else if (roll < 0.86) data = new Float32Array(n);
  else if (roll < 0.9) data = Array.from(r.bytes(Math.min(n, 64)));
  else if (roll < 0.93) {
    data = r.bytes(n);
    structuredClone(data.buffer, { transfer: [data.buffer] });
  } else data = r.pick([null, undefined, 'pixels', 7, new ArrayBuffer(n)]);
  if (r.chance(0.03)) return r.pick([null, undefined, 42, 'frame', [], { width, height }]);
  return { data, width, height };
}

function anyLook(r) {
  if (r.chance(0.05)) return r.pick([null, undefined, 'red', [], 3]);
  const look = {};
  const color = () => (r.chance(0.8) ? `#${r.int(0, 0xffffff).toString(16).padStart(6, '0')}`
    : r.pick(['#fff', 'red', '#GGGGGG', '#1234567', '', 0x123456, null]));
  if (r.chance(0.95)) look.color = color();
  if (r.chance(0.3)) look.colorEnd = color();
  if (r.chance(0.5)) look.mode = r.chance(0.9) ? r.pick(['solid', 'ombre', 'highlights']) : r.pick(['', 'SOLID', 1, null]);
  if (r.chance(0.5)) look.strength = r.chance(0.85) ? r.next() : r.pick([-0.1, 1.1, NaN, '0.5', Infinity, null]);
  if (r.chance(0.03)) look.unknown = 1;
  return look;
}

function checkAlpha(result, frame, where) {
  assert.equal(result.data.length, frame.width * frame.height, where);
}

test(`frames, looks and image files into segment/recolor/segmentProbability/decodeImage/encodePng (seed ${SEED})`, TIMEOUT, async () => {
  const r = rng(SEED);
  const instances = [
    await HairMatte.create({ model: { random: 'hairsegnet', ...TINY }, trackHead: false, temporal: 0 }),
    await HairMatte.create({ model: { random: 'hairmattenet', ...TINY }, threads: 2, trackHead: false, temporal: 0, refine: 'none' }),
  ];
  const reference = randomFrame(21, 17, 3);
  const expected = instances.map((hm) => hm.segment(reference).data);
  const png = instances[0].encodePng(randomFrame(13, 9, 5));
  const images = [png, ...JPEGS];
  const n = cases(8000);
  let errors = 0;
  try {
  for (let i = 0; i < n; i++) {
    const where = `seed ${SEED} case ${i}`;
    const which = r.int(0, 1);
    const hm = instances[which];
    const op = r.int(0, 9);
    // The inputs are made first (outside the try): only the API call may throw.
    let call;
    if (op <= 3) {
      const frame = anyFrame(r);
      call = () => checkAlpha(hm.segment(frame), frame, where);
    } else if (op === 4) {
      const frame = anyFrame(r);
      call = () => {
        const p = hm.segmentProbability(frame);
        assert.ok(p.data.every((v) => v >= 0 && v <= 1), `${where}: probability outside [0, 1]`);
      };
    } else if (op <= 6) {
      const frame = anyFrame(r);
      const pixels = frame && Number.isInteger(frame.width) && Number.isInteger(frame.height) && frame.width > 0 &&
        frame.height > 0 && frame.width * frame.height < 1e5 ? frame.width * frame.height : 0;
      const matte = r.chance(0.3) && pixels
        ? { width: frame.width, height: frame.height, data: r.bytes(pixels + (r.chance(0.2) ? 1 : 0)) }
        : undefined;
      const look = anyLook(r);
      call = () => assert.equal(hm.recolor(frame, look, matte).data.length, frame.width * frame.height * 4, where);
    } else if (op <= 8) {
      const bytes = r.chance(0.85) ? mutate(r, r.pick(images)) : r.pick([r.bytes(r.int(0, 64)), new Uint8Array(0), 'file', null, new ArrayBuffer(8)]);
      call = () => {
        const image = hm.decodeImage(bytes);
        assert.equal(image.data.length, image.width * image.height * 4, where);
      };
    } else {
      const width = anyNumber(r, 1, 24), height = anyNumber(r, 1, 24);
      const channels = r.pick([1, 3, 4, 2]);
      const count = Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 ? width * height * channels : 5;
      const data = r.chance(0.9) ? r.bytes(Math.min(count, 1e6)) : r.pick([new Float32Array(4), null, [1, 2]]);
      call = () => assert.deepEqual([...hm.encodePng({ width, height, data }).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], where);
    }
    try {
      call();
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      expectApiError(e, where);
      errors++;
    }
    if (i % 250 === 249 || i === n - 1) {
      instances.forEach((inst, k) => assert.deepEqual(inst.segment(reference).data, expected[k], `${where}: instance ${k} changed`));
    }
  }
  } finally {
    instances.forEach((hm) => hm.dispose());  // a pthread instance left alive would keep the process up
  }
  console.log(`# api fuzz: ${n} calls, ${errors} rejected with an Error, ${n - errors} returned a result`);
});

test(`create() options (seed ${SEED + 1})`, TIMEOUT, async () => {
  const r = rng(SEED + 1);
  const n = cases(250);
  let created = 0;
  for (let i = 0; i < n; i++) {
    const where = `seed ${SEED + 1} case ${i}`;
    const options = {};
    if (r.chance(0.9)) {
      options.model = r.chance(0.85)
        ? { random: r.pick(['hairsegnet', 'hairmattenet', 'resnet', undefined]), decoderDepth: anyNumber(r, 1, 8),
          widthPermille: r.pick([250, 250, 500, 300, undefined]), inputSize: r.pick([32, 64, 33, 0, MAX_INPUT_SIZE + 32, undefined, '32']),
          ...(r.chance(0.1) ? { seed: anyNumber(r, 0, 100) } : {}) }
        : r.pick(['nonexistent', 'x.hmm', '', 42, null, new Uint8Array(0), new Float32Array(3), new URL('file:///nowhere.hmm')]);
      if (options.model && typeof options.model === 'object' && !ArrayBuffer.isView(options.model) && !(options.model instanceof URL)) {
        for (const key of Object.keys(options.model)) if (options.model[key] === undefined) delete options.model[key];
      }
    } else {
      options.model = { random: 'hairsegnet', ...TINY };
    }
    if (r.chance(0.3)) options.threads = anyNumber(r, 1, 3);
    if (r.chance(0.3)) options.refine = r.pick(['guided', 'none', 'fast', 1]);
    if (r.chance(0.3)) options.temporal = r.chance(0.8) ? r.next() : r.pick([-1, 2, NaN, '0']);
    if (r.chance(0.2)) options.trackHead = r.pick([true, false, 1, 'yes']);
    if (r.chance(0.2)) options.inputSize = r.pick([32, 64, 0, 31, 96, -32, MAX_INPUT_SIZE + 32]);
    if (r.chance(0.15)) options.build = r.pick(['auto', 'simd', 'plain', 'simd-threads', 'wasm64']);
    if (r.chance(0.03)) options.colour = 'red';
    let hm;
    try {
      hm = await HairMatte.create(r.chance(0.02) ? r.pick([null, 'hairmattenet', 7, []]) : options);
    } catch (e) {
      expectApiError(e, `${where} ${JSON.stringify(options)}`);
      continue;
    }
    created++;
    assert.equal(hm.segment(randomFrame(9, 7, i)).data.length, 63, where);
    hm.dispose();
  }
  console.log(`# create() fuzz: ${n} option sets, ${created} instances made, ${n - created} rejected with an Error`);
});

test(`model bytes: every corrupted file is rejected, through create() and the engine's loader (seed ${SEED + 2})`, TIMEOUT, async () => {
  const r = rng(SEED + 2);
  const { crc32 } = await import('../../benchmarks/peers/model-file.mjs');
  const originals = [
    await randomModelBytes('hairsegnet', { decoderDepth: 1, widthPermille: 250, inputSize: 32 }),
    await randomModelBytes('hairmattenet', { decoderDepth: 2, widthPermille: 250, inputSize: 32 }),
  ];
  // A corruption with the CRC rewritten can make a valid file (another input size, another metadata):
  // it may be accepted, but must then work. One without a CRC fix changes checked bytes: must be rejected.
  const corrupt = (withCrcFix) => {
    const original = r.pick(originals);
    let bytes;
    if (r.chance(0.4)) {  // a header field (version, arch, depth, width, input, count, metadata length)
      bytes = Uint8Array.from(original);
      new DataView(bytes.buffer).setUint32(r.pick([8, 12, 16, 20, 24, 28, 32]), r.pick([0, 1, 2, 32, 64, 250, 0xffffffff, r.int(0, 2 ** 32 - 1)]), true);
    } else {
      bytes = mutate(r, original);
    }
    if (withCrcFix && bytes.length >= 8) new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
    return { bytes, mustReject: !withCrcFix && !equalBytes(bytes, original) };
  };
  let rejected = 0, accepted = 0;
  // 1. Through the public API (each create() instantiates a module: fewer cases).
  const viaCreate = cases(120);
  for (let i = 0; i < viaCreate; i++) {
    const where = `seed ${SEED + 2} create case ${i}`;
    const { bytes, mustReject } = corrupt(r.chance(0.5));
    try {
      const hm = await HairMatte.create({ model: bytes });
      assert.ok(!mustReject, `${where}: a corrupted model file was accepted`);
      hm.segment(randomFrame(8, 8));
      hm.dispose();
      accepted++;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      expectApiError(e, where);
      assert.match(e.message, /invalid model file: |needs \d+ MB of memory|hairmatte: model is empty/, where);
      rejected++;
    }
  }
  // 2. The same loader in one module (what create() calls, without a new module per case).
  const module = await loadWasmModule('simd', 1, {});
  const engine = new module.Segmenter();
  const viaEngine = cases(2500);
  for (let i = 0; i < viaEngine; i++) {
    const where = `seed ${SEED + 2} engine case ${i}`;
    const { bytes, mustReject } = corrupt(r.chance(0.5));
    if (bytes.length === 0) continue;
    let error;
    try {
      module.copyInto(engine.modelBuffer(bytes.length), bytes);
      error = engine.loadModel(0, 1);
    } catch (e) {
      throw new Error(`${where}: the loader threw ${e.constructor.name}: ${e.message}`);
    }
    if (error) {
      rejected++;
      assert.ok(error.length > 10, `${where}: an empty reason`);
    } else {
      assert.ok(!mustReject, `${where}: a corrupted model file was accepted`);
      accepted++;
    }
  }
  engine.release();
  engine.delete();
  module.shutdown();
  console.log(`# model fuzz: ${viaCreate} files through create() and ${viaEngine} through the loader: ${rejected} rejected, ${accepted} accepted (valid after a CRC-fixed edit)`);
});
