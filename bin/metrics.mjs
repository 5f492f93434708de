// The measures of a predicted matte against a hand-drawn mask, shared by the CLI (`hairmatte eval`,
// bin/eval.mjs) and the evaluation report (evaluation/): pure functions of pixel arrays, no files.
// They are defined as in training/evaluate.py (training/hairmatte_train/metrics.py and losses.py);
// evaluation/tests/metrics-parity.test.mjs feeds both the same predictions and compares.
// Measures of one image (training/hairmatte_train/metrics.py and losses.py):
//   F1 = 2TP / (2TP + FP + FN); Performance (Guo & Aarabi) = (TP - FP) / (TP + FN);
//   IoU = TP / (TP + FP + FN); Accuracy = (TP + TN) / pixels; prediction = P(hair) >= 0.5.
//   No hair in mask and prediction: F1 = IoU = 1; no hair in the mask: Performance is NaN (left out of means).
//   Gradient consistency, paper Eq. 1, on the soft matte:
//     L_C = sum_p M_mag (1 - (Ix Mx + Iy My)^2) / sum_p M_mag,
//   (Ix, Iy), (Mx, My) the unit Sobel gradients of the image luma (BT.601, 0..255) and of the matte.
export const METRICS = ['f1', 'performance', 'iou', 'accuracy', 'gradConsistency'];
const GRAD_EPS = 1e-6;  // losses.py GRAD_EPS: it sits under square roots, so it must match for parity

// prob: P(hair) per pixel, times `scale` (1/255 for an 8-bit alpha); mask: hair where >= 128.
export function confusion(prob, mask, scale = 1) {
  if (prob.length !== mask.length) throw new Error(`prediction (${prob.length} px) and mask (${mask.length} px) differ in size`);
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < prob.length; i++) {
    const pred = prob[i] * scale >= 0.5;
    const gt = mask[i] >= 128;
    if (pred && gt) tp++;
    else if (pred) fp++;
    else if (gt) fn++;
  }
  return { tp, fp, fn, tn: prob.length - tp - fp - fn };
}

export function thresholdMetrics({ tp, fp, fn, tn }) {
  const union = tp + fp + fn;
  return {
    f1: union === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    performance: tp + fn === 0 ? NaN : (tp - fp) / (tp + fn),
    iou: union === 0 ? 1 : tp / union,
    accuracy: (tp + tn) / (union + tn),
  };
}

// Sobel (x, y) of a plane with replicated borders (losses.py `sobel`: cross-correlation, kx = [-1 0 1;
// -2 0 2; -1 0 1], ky = kx transposed).
function sobel(plane, width, height) {
  const gx = new Float64Array(width * height), gy = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1) * width, mid = y * width, down = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++) {
      const l = Math.max(0, x - 1), r = Math.min(width - 1, x + 1);
      const a = plane[up + l], b = plane[up + x], c = plane[up + r];
      const d = plane[mid + l], f = plane[mid + r];
      const g = plane[down + l], h = plane[down + x], k = plane[down + r];
      gx[mid + x] = (c + 2 * f + k) - (a + 2 * d + g);
      gy[mid + x] = (g + 2 * h + k) - (a + 2 * b + c);
    }
  }
  return { gx, gy };
}

// rgba: the image's RGBA bytes; prob: P(hair) per pixel times `scale`.
export function gradientConsistency(rgba, prob, width, height, scale = 1) {
  const n = width * height;
  if (rgba.length !== 4 * n || prob.length !== n) throw new Error('gradientConsistency: image, matte and size disagree');
  const luma = new Float64Array(n), soft = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    luma[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    soft[i] = prob[i] * scale;
  }
  const img = sobel(luma, width, height), mat = sobel(soft, width, height);
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const iMag = Math.sqrt(img.gx[i] * img.gx[i] + img.gy[i] * img.gy[i] + GRAD_EPS);
    const mSq = mat.gx[i] * mat.gx[i] + mat.gy[i] * mat.gy[i];
    const mMag = Math.sqrt(mSq + GRAD_EPS);
    const dot = (img.gx[i] * mat.gx[i] + img.gy[i] * mat.gy[i]) / iMag;
    // M_mag (1 - cos^2) as (|M|^2 - (I.M)^2) / M_mag: a flat matte weighs exactly 0 (as losses.py).
    num += (mSq - dot * dot) / mMag;
    den += mSq / mMag;
  }
  return num / (den + GRAD_EPS);
}

// All five measures of one image. image: {data: RGBA, width, height}; prob: P(hair) x scale per pixel.
export function imageMetrics(image, prob, mask, scale = 1) {
  return {
    ...thresholdMetrics(confusion(prob, mask, scale)),
    gradConsistency: gradientConsistency(image.data, prob, image.width, image.height, scale),
  };
}

// Means over images; NaN entries (Performance without hair in the mask) are left out.
export function meanMetrics(rows) {
  const out = { count: rows.length };
  for (const key of METRICS) {
    const values = rows.map((r) => r[key]).filter((v) => !Number.isNaN(v));
    out[key] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  }
  return out;
}

// Per-image rows [{source, note, metrics}] -> { group: means }: each source, and figaro1k/<hair type>.
export function groupMeans(rows) {
  const groups = {};
  const add = (g, m) => (groups[g] ??= []).push(m);
  for (const r of rows) {
    add(r.source, r.metrics);
    if (r.source === 'figaro1k' && r.note) add(`figaro1k/${r.note}`, r.metrics);
  }
  return Object.fromEntries(Object.keys(groups).sort().map((g) => [g, meanMetrics(groups[g])]));
}
