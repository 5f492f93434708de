// HairMatte.create / segment / reset / dispose / info on random-weight models (the real architectures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte, VERSION } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, smoothFrame } from './helpers.mjs';

const randomSegNet = { random: 'hairsegnet', ...SMALL };
const randomMatteNet = { random: 'hairmattenet', ...SMALL };

test('info describes the model and the build', async () => {
  const hm = await HairMatte.create({ model: randomMatteNet });
  try {
    const info = hm.info;
    assert.equal(info.model, 'hairmattenet');
    assert.equal(info.inputSize, 64);
    assert.equal(info.decoderDepth, 16);
    assert.equal(info.widthPermille, 250);
    assert.equal(info.precision, 'fp32');  // random weights are float32 (int8 files: tests/node/int8-engine.test.mjs)
    assert.equal(info.simd, true);
    assert.equal(info.threads, 1);
    assert.equal(info.build, 'simd');
    assert.equal(info.version, VERSION);
    assert.equal(info.refine, 'guided');
    assert.equal(info.temporal, 0);
    assert.equal(info.trackHead, true);
    assert.ok(info.multiplyAdds > 1e6, `multiplyAdds ${info.multiplyAdds}`);
    assert.ok(info.arenaBytes > 0);
    assert.ok(Object.isFrozen(info));
  } finally {
    hm.dispose();
  }
});

test('segment returns a caller-owned alpha matte at the frame size, for odd sizes and both input types', async () => {
  const hm = await HairMatte.create({ model: randomSegNet, trackHead: false });
  try {
    for (const [w, h] of [[1, 1], [3, 200], [64, 64], [97, 41], [320, 240]]) {
      const frame = randomFrame(w, h, w * 31 + h);
      const matte = hm.segment(frame);
      assert.equal(matte.width, w);
      assert.equal(matte.height, h);
      assert.ok(matte.data instanceof Uint8Array);
      assert.equal(matte.data.length, w * h);
      // Caller-owned: a copy, not a view of wasm memory that the next call would overwrite.
      assert.ok(!(matte.data.buffer instanceof SharedArrayBuffer));
      const copy = matte.data.slice();
      hm.segment(randomFrame(w, h, 999));
      assert.deepEqual(matte.data, copy);
    }
    const frame = smoothFrame(40, 30);
    const clamped = { data: new Uint8ClampedArray(frame.data), width: 40, height: 30 };
    assert.deepEqual(hm.segment(clamped).data, hm.segment(frame).data);
  } finally {
    hm.dispose();
  }
});

test('segment is deterministic and depends on the pixels', async () => {
  const hm = await HairMatte.create({ model: randomMatteNet, trackHead: false });
  try {
    const a = hm.segment(randomFrame(80, 60, 1)).data;
    assert.deepEqual(hm.segment(randomFrame(80, 60, 1)).data, a);
    assert.notDeepEqual(hm.segment(randomFrame(80, 60, 2)).data, a);
  } finally {
    hm.dispose();
  }
});

test('the alpha channel of the frame is ignored', async () => {
  const hm = await HairMatte.create({ model: randomSegNet, trackHead: false });
  try {
    const frame = randomFrame(50, 50, 4);
    const opaque = { ...frame, data: frame.data.map((v, i) => (i % 4 === 3 ? 255 : v)) };
    const clear = { ...frame, data: frame.data.map((v, i) => (i % 4 === 3 ? 0 : v)) };
    assert.deepEqual(hm.segment(opaque).data, hm.segment(clear).data);
  } finally {
    hm.dispose();
  }
});

test('temporal smoothing blends with the previous frame; reset() forgets it', async () => {
  const options = { model: randomSegNet, refine: 'none', trackHead: false };
  const plain = await HairMatte.create(options);
  const smooth = await HairMatte.create({ ...options, temporal: 1 });
  try {
    const a = randomFrame(64, 64, 10), b = randomFrame(64, 64, 11);
    const ma = plain.segment(a).data, mb = plain.segment(b).data;
    assert.deepEqual(smooth.segment(a).data, ma, 'the first frame has no history');
    const blended = smooth.segment(b).data;
    // Each pixel is a convex blend of this frame's matte and the previous one (temporal_smoother.h).
    let moved = 0;
    for (let i = 0; i < blended.length; i++) {
      const lo = Math.min(ma[i], mb[i]) - 1, hi = Math.max(ma[i], mb[i]) + 1;
      assert.ok(blended[i] >= lo && blended[i] <= hi, `pixel ${i}: ${blended[i]} outside [${lo}, ${hi}]`);
      if (blended[i] !== mb[i]) moved++;
    }
    assert.ok(moved > blended.length / 10, `only ${moved} pixels were smoothed`);
    smooth.reset();
    assert.deepEqual(smooth.segment(b).data, mb, 'after reset() the history is gone');
  } finally {
    plain.dispose();
    smooth.dispose();
  }
});

test("refine 'guided' (the default) follows the frame's edges: it differs from 'none' and stays in range", async () => {
  const guided = await HairMatte.create({ model: randomMatteNet, trackHead: false });
  const none = await HairMatte.create({ model: randomMatteNet, trackHead: false, refine: 'none' });
  try {
    assert.equal(guided.info.refine, 'guided');
    assert.equal(guided.info.trackHead, false);
    const frame = smoothFrame(160, 120);
    const g = guided.segment(frame), n = none.segment(frame);
    assert.equal(g.data.length, 160 * 120);
    assert.notDeepEqual(g.data, n.data);
    assert.deepEqual(guided.segment(frame).data, g.data, 'deterministic');
  } finally {
    guided.dispose();
    none.dispose();
  }
});

test('inputSize plans a trained model at another size', async () => {
  const { randomModelBytes } = await import('./helpers.mjs');
  const hm = await HairMatte.create({ model: await randomModelBytes('hairsegnet'), inputSize: 96 });
  try {
    assert.equal(hm.info.inputSize, 96);
    assert.equal(hm.segment(randomFrame(30, 20)).data.length, 600);
  } finally {
    hm.dispose();
  }
});

test('dispose is idempotent and every later call throws', async () => {
  const hm = await HairMatte.create({ model: randomSegNet, trackHead: false });
  hm.dispose();
  hm.dispose();
  assert.equal(hm.disposed, true);
  assert.throws(() => hm.segment(randomFrame(8, 8)), /disposed/);
  assert.throws(() => hm.reset(), /disposed/);
  assert.throws(() => hm.info, /disposed/);
});

test('the constructor is not public', () => {
  assert.throws(() => new HairMatte(), /HairMatte.create/);
});
