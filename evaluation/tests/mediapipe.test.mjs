// The browser side of the evaluation: MediaPipe's hair segmenter through @mediapipe/tasks-vision in headless
// Chromium finds the hair of a validation photo (so channel order, mask index and orientation are right),
// the alpha channel we hand it does not change its output (what docs/RESULTS.md states about the model's
// 4th input), and our engine in the same page gives the same matte as in Node. Skips when Chromium,
// playwright-core, the npm package or ../shared is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { listSamples, maskPlane } from '../../bin/eval-samples.mjs';
import { confusion, thresholdMetrics } from '../../bin/metrics.mjs';
import { openEvalPage, browserSkipReason } from '../browser/runner.mjs';
import { SHARED_DIR } from '../browser/server.mjs';

const DATA = path.join(SHARED_DIR, 'data', 'hair');
const skip = (await browserSkipReason()) || (fs.existsSync(path.join(DATA, 'manifest.csv')) ? false : `${DATA} is absent`);

test('MediaPipe in Chromium: finds the hair, ignores the alpha channel; our engine matches Node', { skip, timeout: 240000 }, async () => {
  const decoder = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  const sample = listSamples(DATA).find((s) => s.source === 'celebamask');
  const image = decoder.decodeImage(new Uint8Array(fs.readFileSync(sample.image)));
  const mask = maskPlane(decoder.decodeImage(new Uint8Array(fs.readFileSync(sample.mask))), image, sample.mask);
  decoder.dispose();
  const page = await openEvalPage();
  try {
    await page.addMediaPipe('mp0', { previousMask: 0 });
    await page.addMediaPipe('mp255', { previousMask: 255 });
    const a = await page.segment('mp0', image);
    const b = await page.segment('mp255', image);
    const iou = thresholdMetrics(confusion(a.data, mask, 1 / 255)).iou;
    assert.ok(iou > 0.6, `MediaPipe IoU ${iou} on ${sample.id}: the hair was not found`);
    assert.ok(thresholdMetrics(confusion(a.data.map((v) => 255 - v), mask, 1 / 255)).iou < 0.2, 'the inverse must be bad');
    assert.deepEqual(a.data, b.data, 'alpha 0 and 255 gave different masks: update what RESULTS.md says about the 4th channel');

    const options = { model: { random: 'hairmattenet', inputSize: 128, seed: 3 }, refine: 'guided', temporal: 0, trackHead: false };
    await page.addEngine('ours', { ...options, threads: 1 });
    const inPage = await page.segment('ours', image);
    const hm = await HairMatte.create({ ...options, threads: 1 });
    const inNode = hm.segment(image);
    hm.dispose();
    let maxDiff = 0;
    for (let i = 0; i < inNode.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(inNode.data[i] - inPage.data[i]));
    assert.ok(maxDiff <= 1, `engine in Chromium vs Node: max |difference| ${maxDiff}/255`);
  } finally {
    await page.close();
  }
});
