// Issue 17, finding 5: small wrong or silent messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, randomModelBytes } from './helpers.mjs';

test('recolor() without a colour says the colour is missing (not "got undefined undefined")', async () => {
  const hm = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL } });
  try {
    const frame = randomFrame(8, 8);
    assert.throws(() => hm.recolor(frame, {}), (e) => /needs a color/.test(e.message) && !/undefined undefined/.test(e.message));
    assert.throws(() => hm.recolor(frame, { color: undefined, mode: 'ombre' }), /needs a color/);
    // Defaults fill what is left undefined; the call works.
    assert.equal(hm.recolor(frame, { color: '#123456', colorEnd: undefined, mode: undefined, strength: undefined }).data.length, 256);
  } finally {
    hm.dispose();
  }
});

test('inputSize: 0 is refused (it used to mean the default silently); omitting it means the model\'s size', async () => {
  const bytes = await randomModelBytes('hairsegnet', SMALL);
  await assert.rejects(HairMatte.create({ model: bytes, inputSize: 0 }), /inputSize must be an integer in 32\.\.4096, got number 0/);
  const hm = await HairMatte.create({ model: bytes });
  assert.equal(hm.info.inputSize, SMALL.inputSize);
  hm.dispose();
});

test('a non-finite weight is "an infinite value"', async () => {
  const bytes = await randomModelBytes('hairsegnet', SMALL);
  // A float32 file (randomModelBytes): the last 4 bytes before the CRC are the last tensor's last value.
  const { crc32 } = await import('../../benchmarks/peers/model-file.mjs');
  const corrupt = Uint8Array.from(bytes);
  const dv = new DataView(corrupt.buffer);
  const end = corrupt.length - 4;
  dv.setFloat32(end - 4, Infinity, true);
  dv.setUint32(end, crc32(corrupt.subarray(0, end)), true);
  await assert.rejects(HairMatte.create({ model: corrupt }), /holds an infinite value at element/);
});

test('a flipped bit in the header\'s tensor count is a corrupted header, not "file is truncated"', async () => {
  const bytes = await randomModelBytes('hairsegnet', SMALL);
  for (const [offset, bit] of [[28, 0x01], [28, 0x10], [29, 0x01], [31, 0x80]]) {
    const corrupt = Uint8Array.from(bytes);
    corrupt[offset] ^= bit;
    await assert.rejects(HairMatte.create({ model: corrupt }), (e) => {
      assert.match(e.message, /checksum mismatch, and the header's tensor count \d+ is not the \d+ tensors of hairsegnet/);
      assert.doesNotMatch(e.message, /truncated/);
      return true;
    });
  }
});
