// The wasm engine against an independent reference: a float64 JS implementation of the network
// (benchmarks/peers/reference-net.mjs, shares no code with the C++ kernels) behind a JS bilinear resize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, smoothFrame, randomModelBytes, referenceMatte, diffStats } from './helpers.mjs';

for (const arch of ['hairsegnet', 'hairmattenet']) {
  test(`${arch}: frame at the network size matches the float64 reference to 1/255`, async () => {
    const bytes = await randomModelBytes(arch);
    const hm = await HairMatte.create({ model: bytes });
    try {
      assert.equal(hm.info.model, arch);
      const frame = randomFrame(SMALL.inputSize, SMALL.inputSize, 3);
      const got = hm.segment(frame).data;
      const want = await referenceMatte(bytes, frame);
      const { max } = diffStats(got, want);
      assert.ok(max <= 1, `max |wasm - reference| = ${max}/255`);
      // The matte is not degenerate (random weights could saturate it; then the check above is weak).
      assert.ok(new Set(got).size > 8, `only ${new Set(got).size} distinct alpha values`);
    } finally {
      hm.dispose();
    }
  });

  test(`${arch}: a 100x75 frame goes through resize and upsampling like the reference`, async () => {
    const bytes = await randomModelBytes(arch);
    const hm = await HairMatte.create({ model: bytes });
    try {
      const frame = smoothFrame(100, 75);
      const got = hm.segment(frame);
      assert.equal(got.width, 100);
      assert.equal(got.height, 75);
      const want = await referenceMatte(bytes, frame);
      // float vs double resizing can round a network input byte the other way at exact .5 ties.
      const { max, over1Fraction } = diffStats(got.data, want);
      assert.ok(max <= 2 && over1Fraction < 0.01, `max diff ${max}, ${(over1Fraction * 100).toFixed(2)}% > 1`);
    } finally {
      hm.dispose();
    }
  });
}
