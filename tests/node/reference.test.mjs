// The wasm engine against an independent reference: a float64 JS implementation of the network
// (benchmarks/peers/reference-net.mjs, shares no code with the C++ kernels) behind a JS bilinear resize,
// with refine 'none' and stills (the whole frame stretched to the network's square), so that the whole path
// is plain arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, smoothFrame, randomModelBytes, referenceMatte, diffStats } from './helpers.mjs';

for (const arch of ['hairsegnet', 'hairmattenet']) {
  test(`${arch}: frame at the network size matches the float64 reference to 2/255`, async () => {
    const bytes = await randomModelBytes(arch);
    const hm = await HairMatte.create({ model: bytes, refine: 'none', trackHead: false });
    try {
      assert.equal(hm.info.model, arch);
      const frame = randomFrame(SMALL.inputSize, SMALL.inputSize, 3);
      const got = hm.segment(frame).data;
      const want = await referenceMatte(bytes, frame, undefined, hm.info.matteLevelLow);
      const { max } = diffStats(got, want);
      // 1/255 of rounding before the levels stretch (x 255 / (255 - 2L)) can become 2/255.
      assert.ok(max <= 2, `max |wasm - reference| = ${max}/255`);
      // The matte is not degenerate (random weights could saturate it; then the check above is weak).
      assert.ok(new Set(got).size > 8, `only ${new Set(got).size} distinct alpha values`);
    } finally {
      hm.dispose();
    }
  });

  test(`${arch}: a 90x90 frame is resized to the network and back like the reference`, async () => {
    const bytes = await randomModelBytes(arch);
    const hm = await HairMatte.create({ model: bytes, refine: 'none', trackHead: false });
    try {
      const frame = smoothFrame(90, 90);
      const got = hm.segment(frame);
      assert.equal(got.width, 90);
      assert.equal(got.height, 90);
      // float vs double resizing can round a network input byte the other way at exact .5 ties.
      const { max, over1Fraction } = diffStats(got.data, await referenceMatte(bytes, frame, undefined, hm.info.matteLevelLow));
      assert.ok(max <= 2 && over1Fraction < 0.01, `max diff ${max}, ${(over1Fraction * 100).toFixed(2)}% > 1`);
    } finally {
      hm.dispose();
    }
  });

  test(`${arch}: a 100x75 still is matted whole: the frame stretched to the network's square and back`, async () => {
    const bytes = await randomModelBytes(arch);
    const hm = await HairMatte.create({ model: bytes, refine: 'none', temporal: 0 });
    try {
      const frame = smoothFrame(100, 75);
      const got = hm.segment(frame);
      const want = await referenceMatte(bytes, frame, { x: 0, y: 0, width: 100, height: 75 }, hm.info.matteLevelLow);
      const { max, over1Fraction } = diffStats(got.data, want);
      assert.ok(max <= 2 && over1Fraction < 0.01, `max diff ${max}, ${(over1Fraction * 100).toFixed(2)}% > 1`);
    } finally {
      hm.dispose();
    }
  });
}
