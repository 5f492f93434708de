// hm.recolor(frame, look, matte): the C++ recolour (src/color/recolor.h) through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, smoothFrame } from './helpers.mjs';

const model = { random: 'hairsegnet', ...SMALL };

function constantMatte(width, height, value) {
  return { width, height, data: new Uint8Array(width * height).fill(value) };
}

test('where the matte is 0 the frame is copied bit for bit', async () => {
  const hm = await HairMatte.create({ model });
  try {
    const frame = randomFrame(37, 23, 9);
    const out = hm.recolor(frame, { color: '#8b2252' }, constantMatte(37, 23, 0));
    assert.equal(out.width, 37);
    assert.equal(out.height, 23);
    assert.ok(out.data instanceof Uint8ClampedArray);
    assert.deepEqual(Array.from(out.data), Array.from(frame.data));
  } finally {
    hm.dispose();
  }
});

test('under a full matte the hair takes the target hue (red on grey turns red, blue turns blue)', async () => {
  const hm = await HairMatte.create({ model });
  try {
    const grey = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).fill(110) };
    const full = constantMatte(16, 16, 255);
    const mean = (img, c) => img.data.reduce((s, v, i) => (i % 4 === c ? s + v : s), 0) / (img.data.length / 4);
    const red = hm.recolor(grey, { color: '#c00000', strength: 1 }, full);
    assert.ok(mean(red, 0) > mean(red, 1) + 20 && mean(red, 0) > mean(red, 2) + 20, 'red dominates');
    const blue = hm.recolor(grey, { color: '#1030d0', strength: 1 }, full);
    assert.ok(mean(blue, 2) > mean(blue, 0) + 20, 'blue dominates');
    const weak = hm.recolor(grey, { color: '#c00000', strength: 0.3 }, full);
    assert.ok(mean(weak, 0) - mean(weak, 1) < mean(red, 0) - mean(red, 1), 'strength scales the change');
  } finally {
    hm.dispose();
  }
});

test('without a matte, recolor segments the frame itself; every mode runs', async () => {
  const hm = await HairMatte.create({ model, trackHead: false });
  try {
    const frame = smoothFrame(48, 40);
    const matte = hm.segment(frame);
    const given = hm.recolor(frame, { color: '#3b1f14' }, matte);
    assert.deepEqual(hm.recolor(frame, { color: '#3b1f14' }).data, given.data);
    for (const mode of ['solid', 'ombre', 'highlights']) {
      const out = hm.recolor(frame, { color: '#8b2252', colorEnd: '#c9a16b', mode, strength: 0.8 }, matte);
      assert.equal(out.data.length, 48 * 40 * 4);
    }
  } finally {
    hm.dispose();
  }
});

test('bad looks and mattes throw clear Errors; the instance still works', async () => {
  const hm = await HairMatte.create({ model });
  try {
    const frame = randomFrame(8, 8);
    const matte = constantMatte(8, 8, 255);
    const cases = [
      [undefined, matte, /takes a look object/],
      [{}, matte, /recolor\(\) needs a color: \{ color: '#RRGGBB' \}$/],
      [{ color: 'red' }, matte, /color must be a '#RRGGBB' string, got 'red'/],
      [{ color: '#12345' }, matte, /color must be/],
      [{ color: '#123456', colorEnd: '#zzzzzz' }, matte, /colorEnd must be/],
      [{ color: '#123456', mode: 'rainbow' }, matte, /mode must be one of 'solid', 'ombre', 'highlights'/],
      [{ color: '#123456', strength: 2 }, matte, /strength must be a number in \[0, 1\]/],
      [{ color: '#123456', strength: NaN }, matte, /strength must be/],
      [{ color: '#123456', tint: 1 }, matte, /unknown recolor option 'tint'/],
      [{ color: '#123456' }, constantMatte(4, 4, 0), /matte is 4x4 .* but the frame is 8x8/],
      [{ color: '#123456' }, { width: 8, height: 8, data: [] }, /matte must be a segment\(\) result/],
    ];
    for (const [look, m, message] of cases) {
      assert.throws(() => hm.recolor(frame, look, m), message, JSON.stringify(look));
    }
    assert.equal(hm.recolor(frame, { color: '#123456' }, matte).data.length, 256);
  } finally {
    hm.dispose();
  }
  assert.throws(() => hm.recolor(randomFrame(2, 2), { color: '#123456' }), /disposed/);
});
