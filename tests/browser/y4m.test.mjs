// The test-time y4m writer (the fake camera's input): header, frame layout and BT.601 full-range values
// checked against hand-computed references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rgbaToI420, writeY4m, readY4m } from '../../scripts/y4m.mjs';

function solid(width, height, [r, g, b]) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) { data[i] = r; data[i + 1] = g; data[i + 2] = b; data[i + 3] = 255; }
  return data;
}

test('y4m: solid colours convert to the JFIF (full-range BT.601) values', () => {
  // Y = .299R + .587G + .114B; Cb = 128 - .168736R - .331264G + .5B; Cr = 128 + .5R - .418688G - .081312B
  const cases = [
    [[255, 255, 255], [255, 128, 128]],
    [[0, 0, 0], [0, 128, 128]],
    [[255, 0, 0], [76, 85, 255]],
    [[0, 255, 0], [150, 44, 21]],
    [[0, 0, 255], [29, 255, 107]],
  ];
  for (const [rgb, [y, u, v]] of cases) {
    const planes = rgbaToI420(solid(4, 2, rgb), 4, 2);
    assert.equal(planes.length, 4 * 2 + 2 * 2 * 1);
    assert.deepEqual(Array.from(planes.subarray(0, 8)), Array(8).fill(y), `Y of ${rgb}`);
    assert.deepEqual(Array.from(planes.subarray(8, 10)), [u, u], `U of ${rgb}`);
    assert.deepEqual(Array.from(planes.subarray(10, 12)), [v, v], `V of ${rgb}`);
  }
});

test('y4m: chroma is the mean of each 2x2 block', () => {
  const data = solid(2, 2, [0, 0, 0]);
  data.set([255, 0, 0, 255], 0);  // one red pixel of four
  const planes = rgbaToI420(data, 2, 2);
  assert.equal(planes[4], Math.round(128 - 0.168736 * 63.75));
  assert.equal(planes[5], Math.round(128 + 0.5 * 63.75));
});

test('y4m: file layout round-trips and bad sizes are rejected', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hm-y4m-')), 'clip.y4m');
  const frames = [solid(6, 4, [10, 20, 30]), solid(6, 4, [200, 100, 50])];
  writeY4m(file, 6, 4, frames, 15);
  const parsed = readY4m(fs.readFileSync(file));
  assert.equal(parsed.header, 'YUV4MPEG2 W6 H4 F15:1 Ip A1:1 C420jpeg');
  assert.equal(parsed.frames.length, 2);
  assert.deepEqual(Buffer.from(parsed.frames[1]), Buffer.from(rgbaToI420(frames[1], 6, 4)));
  assert.throws(() => rgbaToI420(new Uint8Array(3 * 2 * 4), 3, 2), /must be even/);
  assert.throws(() => rgbaToI420(new Uint8Array(5), 2, 2), /expected 16 bytes/);
  fs.rmSync(path.dirname(file), { recursive: true });
});
