// Memory: a steady stream of frames (10,000 calls) does not grow wasm memory after warm-up, the largest
// accepted frame works, and dispose() really lets an instance go (many create/dispose cycles stay bounded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, smoothFrame } from './helpers.mjs';

const model = { random: 'hairsegnet', ...SMALL };
// The smallest network the API allows (decoder depth 1, width 0.25, input 32): what this test is about,
// the per-call buffers of the frame path (frame, matte, guided filter, temporal state, results), is sized
// by the 320x240 frame, not by the network, and a small network keeps 10,000 calls to seconds.
const tiny = { random: 'hairsegnet', decoderDepth: 1, widthPermille: 250, inputSize: 32 };

test('10,000 segment calls at 320x240 (with recolor and segmentProbability mixed in): no wasm memory growth after warm-up', async () => {
  const hm = await HairMatte.create({ model: tiny, temporal: 0.5 });
  try {
    const frames = [randomFrame(320, 240, 1), randomFrame(320, 240, 2)];
    for (let i = 0; i < 10; i++) {
      hm.recolor(frames[i & 1], { color: '#8b2252' });
      hm.segmentProbability(frames[i & 1]);
    }
    const warm = hm.memoryBytes;
    for (let i = 0; i < 10000; i++) {
      const matte = hm.segment(frames[i & 1]);
      if (i % 100 === 0) {
        hm.recolor(frames[i & 1], { color: '#8b2252' }, matte);
        hm.segmentProbability(frames[i & 1]);
        assert.equal(hm.memoryBytes, warm, `wasm memory grew by call ${i}`);
      }
    }
    assert.equal(hm.memoryBytes, warm);
  } finally {
    hm.dispose();
  }
});

test('the largest accepted frame (4096x4096) is matted; one pixel more is refused', async () => {
  const hm = await HairMatte.create({ model, refine: 'none', trackHead: false });
  try {
    const big = smoothFrame(4096, 4096);
    const matte = hm.segment(big);
    assert.equal(matte.data.length, 4096 * 4096);
    assert.throws(() => hm.segment({ data: new Uint8Array(4097 * 4096 * 4), width: 4097, height: 4096 }), /at most 16777216/);
    assert.equal(hm.segment(randomFrame(8, 8)).data.length, 64, 'still works');
  } finally {
    hm.dispose();
  }
});

test('100 create/dispose cycles: each instance is released (calls throw) and the process heap stays bounded', async () => {
  const frame = randomFrame(64, 64);
  if (global.gc) global.gc();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 100; i++) {
    const hm = await HairMatte.create({ model });
    hm.segment(frame);
    hm.dispose();
    assert.throws(() => hm.segment(frame), /disposed/);
  }
  if (global.gc) global.gc();
  const grown = process.memoryUsage().rss - before;
  // One instance holds ~40 MB of wasm memory; 100 leaked instances would be GBs.
  assert.ok(grown < 600e6, `RSS grew by ${(grown / 1e6).toFixed(0)} MB`);
});
