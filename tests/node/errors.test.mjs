// Bad input throws an Error that says what was wrong, before it reaches C++ where possible, and the
// instance keeps working afterwards (same output as before the bad call).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, randomModelBytes } from './helpers.mjs';

const model = { random: 'hairsegnet', ...SMALL };

const BAD_FRAMES = [
  ['undefined', undefined, /takes a frame/],
  ['null', null, /takes a frame.*null/],
  ['a number', 42, /takes a frame.*number/],
  ['an object without data', { width: 2, height: 2 }, /has no `data`/],
  ['a plain array', { data: [0, 0, 0, 0], width: 1, height: 1 }, /Uint8Array or Uint8ClampedArray.*array/],
  ['a Float32Array', { data: new Float32Array(4), width: 1, height: 1 }, /got a Float32Array/],
  ['an ArrayBuffer', { data: new ArrayBuffer(4), width: 1, height: 1 }, /Uint8Array or Uint8ClampedArray/],
  ['too few bytes', { data: new Uint8Array(15), width: 2, height: 2 }, /has 15 bytes but a 2x2 RGBA frame needs 16/],
  ['too many bytes', { data: new Uint8Array(17), width: 2, height: 2 }, /has 17 bytes/],
  ['RGB instead of RGBA', { data: new Uint8Array(12), width: 2, height: 2 }, /needs 16/],
  ['zero width', { data: new Uint8Array(0), width: 0, height: 5 }, /width must be an integer in 1\.\./],
  ['negative height', { data: new Uint8Array(4), width: 1, height: -1 }, /height must be an integer/],
  ['fractional width', { data: new Uint8Array(4), width: 1.5, height: 1 }, /width must be an integer/],
  ['NaN height', { data: new Uint8Array(4), width: 1, height: NaN }, /height must be an integer/],
  ['string width', { data: new Uint8Array(4), width: '1', height: 1 }, /width must be an integer.*string/],
  ['huge side', { data: new Uint8Array(4), width: 100000, height: 1 }, /width must be an integer in 1\.\.16384/],
  ['too many pixels', { data: new Uint8Array(4), width: 16384, height: 16384 }, /at most \d+ are accepted/],
];

test('segment(): each bad frame throws a clear Error and the instance still works', async () => {
  const hm = await HairMatte.create({ model, trackHead: false });  // no head tracking: same frame, same matte
  try {
    const good = randomFrame(33, 21, 5);
    const before = hm.segment(good).data;
    for (const [what, frame, message] of BAD_FRAMES) {
      assert.throws(() => hm.segment(frame), (e) => e instanceof Error && message.test(e.message), what);
      assert.deepEqual(hm.segment(good).data, before, `output changed after: ${what}`);
    }
  } finally {
    hm.dispose();
  }
});

test('segment(): a detached buffer is reported as such', async () => {
  const hm = await HairMatte.create({ model });
  try {
    const frame = randomFrame(4, 4);
    structuredClone(frame.data.buffer, { transfer: [frame.data.buffer] });  // detaches it
    assert.throws(() => hm.segment(frame), /detached/);
    assert.equal(hm.segment(randomFrame(4, 4)).data.length, 16);
  } finally {
    hm.dispose();
  }
});

test('segment(): a SharedArrayBuffer-backed frame is accepted (it is copied in)', async () => {
  const hm = await HairMatte.create({ model, trackHead: false });
  try {
    const frame = randomFrame(10, 10, 3);
    const shared = new Uint8Array(new SharedArrayBuffer(400));
    shared.set(frame.data);
    assert.deepEqual(hm.segment({ data: shared, width: 10, height: 10 }).data, hm.segment(frame).data);
  } finally {
    hm.dispose();
  }
});

const BAD_OPTIONS = [
  ['options not an object', 'hairmattenet', /takes an options object/],
  ['options null', null, /takes an options object/],
  ['unknown option (typo)', { modle: 'hairsegnet' }, /unknown option 'modle'/],
  ['threads 0', { model, threads: 0 }, /threads must be an integer in 1\.\.16/],
  ['threads 1.5', { model, threads: 1.5 }, /threads must be an integer/],
  ['threads NaN', { model, threads: NaN }, /threads must be an integer/],
  ['threads 64', { model, threads: 64 }, /threads must be an integer in 1\.\.16/],
  ['refine unknown', { model, refine: 'bilateral' }, /refine must be one of 'guided', 'none'/],
  ['temporal NaN', { model, temporal: NaN }, /temporal must be a number in \[0, 1\]/],
  ['temporal 1.5', { model, temporal: 1.5 }, /temporal must be a number in \[0, 1\]/],
  ['trackHead a string', { model, trackHead: 'yes' }, /trackHead must be true or false/],
  ['temporal negative', { model, temporal: -0.1 }, /temporal must be/],
  ['temporal string', { model, temporal: '0.5' }, /temporal must be/],
  ['inputSize not /32', { model: 'x.hmm', inputSize: 100 }, /inputSize must be a multiple of 32/],
  ['locateFile not a function', { model, locateFile: 'dist/' }, /locateFile must be a function/],
  ['wasmPath a number', { model, wasmPath: 3 }, /wasmPath must be a string or URL/],
  ['onProgress not a function', { model, onProgress: true }, /onProgress must be a function/],
  ['unknown model name', { model: 'hairnet' }, /unknown model 'hairnet'.*'hairmattenet' or 'hairsegnet'/],
  ['empty model name', { model: '' }, /unknown model ''/],
  ['model a number', { model: 5 }, /model must be a bundled name, a URL.*number/],
  ['model null', { model: null }, /model must be .*null/],
  ['model a Float32Array', { model: new Float32Array(8) }, /Uint8Array or an ArrayBuffer, got a Float32Array/],
  ['model empty bytes', { model: new Uint8Array(0) }, /model is empty/],
  ['model missing file', { model: './no/such/model.hmm' }, /cannot read the model file .*no\/such\/model\.hmm/],
  ['random arch unknown', { model: { random: 'resnet' } }, /model.random must be one of 'hairsegnet', 'hairmattenet'/],
  ['random depth 0', { model: { random: 'hairsegnet', decoderDepth: 0 } }, /model.decoderDepth must be an integer in 1\.\.1024/],
  ['random width 900', { model: { random: 'hairsegnet', widthPermille: 900 } }, /widthPermille must be 250, 500, 750 or 1000/],
  ['random input 100', { model: { random: 'hairsegnet', inputSize: 100 } }, /model.inputSize must be a multiple of 32/],
  ['random unknown key', { model: { random: 'hairsegnet', depth: 8 } }, /unknown random-model option 'depth'/],
];

test('create(): each bad option throws a clear Error', async () => {
  for (const [what, options, message] of BAD_OPTIONS) {
    await assert.rejects(HairMatte.create(options), (e) => e instanceof Error && message.test(e.message), what);
  }
});

test('create(): corrupt, truncated and wrong-architecture model files are rejected by the loader', async () => {
  const bytes = await randomModelBytes('hairsegnet');
  const corrupt = bytes.slice();
  corrupt[corrupt.length >> 1] ^= 0x40;
  const wrongMagic = bytes.slice();
  wrongMagic[0] = 0x58;
  const wrongVersion = bytes.slice();
  wrongVersion[8] = 4;  // 1 (float), 2 (int8) and 3 (int8, packed weights) exist
  const cases = [
    ['truncated to half', bytes.slice(0, bytes.length >> 1), /invalid model file: .*(truncat|short|CRC)/i],
    ['truncated to 10 bytes', bytes.slice(0, 10), /invalid model file/],
    ['one bit flipped', corrupt, /invalid model file: .*(CRC|checksum|corrupt)/i],
    ['wrong magic', wrongMagic, /invalid model file: .*magic/i],
    ['wrong version', wrongVersion, /invalid model file: .*version/i],
    ['random bytes', randomFrame(100, 100).data, /invalid model file/],
  ];
  for (const [what, model, message] of cases) {
    await assert.rejects(HairMatte.create({ model }), (e) => e instanceof Error && message.test(e.message), what);
  }
  // ... and the same bytes, intact, load (as an ArrayBuffer too).
  const hm = await HairMatte.create({ model: bytes.slice().buffer });
  assert.equal(hm.info.model, 'hairsegnet');
  hm.dispose();
});
