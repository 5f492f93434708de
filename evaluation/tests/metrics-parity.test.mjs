// The eval command's measures (bin/metrics.mjs) against the training side's (training/evaluate.py through
// hairmatte_train/metrics.py and losses.py), fed the same predictions; plus hand-worked cases that do not
// need Python. Skips the PyTorch comparison, with a message, when /usr/bin/python3 has no torch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { confusion, thresholdMetrics, imageMetrics, meanMetrics, gradientConsistency } from '../../bin/metrics.mjs';
import { resizeBilinear } from '../../bin/eval-samples.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const torchMissing = (() => {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? false : `${PYTHON} with torch and numpy is needed for the PyTorch comparison`;
})();

// A seeded generator (mulberry32), so the cases are the same on every run.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// An image with a dark "hair" disc on a textured background, a mask of the disc, and a soft, shifted,
// noisy prediction of it: edges in both, partly aligned, so Eq. 1 is neither 0 nor 1.
function makeCase(width, height, seed, { emptyMask = false, emptyPrediction = false } = {}) {
  const rand = rng(seed);
  const rgba = new Uint8Array(width * height * 4), prob = new Float64Array(width * height), mask = new Uint8Array(width * height);
  const cx = width * (0.4 + 0.2 * rand()), cy = height * (0.4 + 0.2 * rand()), r = Math.min(width, height) * 0.3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x, d = Math.hypot(x - cx, y - cy);
      const inside = d < r;
      const base = inside ? 40 : 180 + 40 * Math.sin(x * 0.7) * Math.cos(y * 0.3);
      for (let c = 0; c < 3; c++) rgba[4 * i + c] = Math.max(0, Math.min(255, Math.round(base + 30 * (rand() - 0.5) + 10 * c)));
      rgba[4 * i + 3] = 255;
      mask[i] = emptyMask ? 0 : inside ? 200 + Math.floor(55 * rand()) : Math.floor(127 * rand());
      const dp = Math.hypot(x - cx - 1.5, y - cy + 1);
      prob[i] = emptyPrediction ? 0.3 * rand() : Math.min(1, Math.max(0, 1 / (1 + Math.exp((dp - r) / 1.7)) + 0.1 * (rand() - 0.5)));
    }
  }
  prob[0] = 0.5;  // exactly at the threshold: counts as hair on both sides
  return { width, height, rgba, prob, mask };
}

test('hand-worked 2x3 case: confusion counts and the four thresholded measures', () => {
  // pred >= 0.5: [1 1 0 / 0 1 0]; mask >= 128: [1 0 0 / 1 1 0] -> TP 2 (0,4), FP 1 (1), FN 1 (3), TN 2.
  const prob = [0.5, 0.9, 0.49, 0.1, 1, 0];
  const mask = new Uint8Array([128, 127, 0, 255, 200, 3]);
  assert.deepEqual(confusion(prob, mask), { tp: 2, fp: 1, fn: 1, tn: 2 });
  const m = thresholdMetrics(confusion(prob, mask));
  assert.equal(m.f1, 4 / 6);
  assert.equal(m.performance, (2 - 1) / 3);
  assert.equal(m.iou, 2 / 4);
  assert.equal(m.accuracy, 4 / 6);
  // An 8-bit alpha with scale 1/255: 128 is hair (128/255 >= 0.5), 127 is not.
  assert.deepEqual(confusion(new Uint8Array([128, 127]), new Uint8Array([255, 255]), 1 / 255), { tp: 1, fp: 0, fn: 1, tn: 0 });
});

test('empty mask and prediction: F1 = IoU = 1, Performance NaN and left out of the mean', () => {
  const m = thresholdMetrics(confusion([0.1, 0.2], new Uint8Array([0, 0])));
  assert.equal(m.f1, 1);
  assert.equal(m.iou, 1);
  assert.ok(Number.isNaN(m.performance));
  const mean = meanMetrics([{ ...m, gradConsistency: 0 }, { f1: 0.5, iou: 0.25, accuracy: 0.5, performance: 0.2, gradConsistency: 0.4 }]);
  assert.equal(mean.count, 2);
  assert.equal(mean.performance, 0.2);
  assert.equal(mean.f1, 0.75);
});

test('gradient consistency: a matte whose edges follow the image scores 0, one across them scores 1', () => {
  const w = 12, h = 10;
  const rgba = new Uint8Array(w * h * 4).fill(255);
  const along = new Float64Array(w * h), across = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = x < 6 ? 20 : 220;  // a vertical image edge
      rgba.fill(v, 4 * (y * w + x), 4 * (y * w + x) + 3);
      along[y * w + x] = x < 6 ? 1 : 0;   // matte edge parallel to it: gradients aligned
      across[y * w + x] = y < 5 ? 1 : 0;  // matte edge perpendicular to it... where the image is flat
    }
  }
  assert.ok(gradientConsistency(rgba, along, w, h) < 1e-6);
  // Across: the image gradient is zero on the matte's edge except at the crossing, so cos ~ 0 there.
  assert.ok(gradientConsistency(rgba, across, w, h) > 0.8);
  assert.equal(gradientConsistency(rgba, new Float64Array(w * h).fill(0.7), w, h), 0);  // flat matte weighs 0
});

test('same predictions, same measures as training/evaluate.py (PyTorch, float64 and float32)', { skip: torchMissing }, () => {
  const cases = [makeCase(23, 17, 1), makeCase(40, 40, 2), makeCase(31, 26, 3, { emptyMask: true }),
    makeCase(16, 20, 4, { emptyPrediction: true }), makeCase(64, 48, 5)];
  const planes = [{ width: 7, height: 5, outWidth: 13, outHeight: 9 }, { width: 20, height: 11, outWidth: 6, outHeight: 8 }]
    .map((p, k) => ({ ...p, data: Array.from({ length: p.width * p.height }, rng(10 + k)) }));
  const request = {
    cases: cases.map((c) => ({ width: c.width, height: c.height, rgba: [...c.rgba], prob: [...c.prob], mask: [...c.mask] })),
    resize: planes,
  };
  const r = spawnSync(PYTHON, [path.join(HERE, 'python_metrics.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const py = JSON.parse(r.stdout);
  const ours = cases.map((c) => imageMetrics({ data: c.rgba, width: c.width, height: c.height }, c.prob, c.mask));
  ours.forEach((m, i) => {
    const p = py.cases[i];
    for (const [js, pk] of [['f1', 'f1'], ['iou', 'iou'], ['accuracy', 'accuracy'], ['performance', 'performance']]) {
      if (p[pk] === null) assert.ok(Number.isNaN(m[js]), `case ${i} ${js}: NaN expected`);
      else assert.ok(Math.abs(m[js] - p[pk]) < 1e-12, `case ${i} ${js}: ${m[js]} vs ${p[pk]}`);
    }
    assert.ok(Math.abs(m.gradConsistency - p.grad_consistency) < 1e-9, `case ${i} Eq. 1: ${m.gradConsistency} vs ${p.grad_consistency}`);
    assert.ok(Math.abs(m.gradConsistency - p.grad_consistency_f32) < 1e-4, `case ${i} Eq. 1 vs float32: ${m.gradConsistency} vs ${p.grad_consistency_f32}`);
    assert.ok(m.gradConsistency > 0.01 && m.gradConsistency < 0.99 || i === 3, `case ${i}: Eq. 1 = ${m.gradConsistency} is degenerate`);
  });
  const mean = meanMetrics(ours);
  for (const k of ['f1', 'performance', 'iou', 'accuracy']) assert.ok(Math.abs(mean[k] - py.means[k]) < 1e-12, `mean ${k}`);
  assert.ok(Math.abs(mean.gradConsistency - py.means.grad_consistency) < 1e-9);
  assert.equal(mean.count, py.means.count);
  planes.forEach((p, k) => {
    const out = resizeBilinear(Float64Array.from(p.data), p.width, p.height, 1, p.outWidth, p.outHeight, Float64Array);
    const maxDiff = Math.max(...out.map((v, i) => Math.abs(v - py.resize[k][i])));
    assert.ok(maxDiff < 1e-12, `resize ${k}: max |diff| ${maxDiff} vs F.interpolate`);
  });
});
