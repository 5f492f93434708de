// `hairmatte eval --data DIR`: F1, Performance, IoU, Accuracy and the gradient-consistency loss of the
// engine's mattes against hand-drawn masks, means over images, per source and per Figaro-1k hair type.
// The measures are defined as in training/evaluate.py (training/hairmatte_train/metrics.py and losses.py);
// evaluation/tests/metrics-parity.test.mjs feeds both the same predictions and compares.
import fs from 'node:fs';
import path from 'node:path';
import { HairMatte } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';
import { readImageFile, progress } from './images.mjs';
import { stillEngineOptions, segmentStill } from './matte.mjs';

export const EVAL_SPEC = {
  data: 'string', model: 'string', 'random-weights': 'boolean', refine: 'string', quality: 'string', threads: 'int-list', size: 'int',
  split: 'string', part: 'string', limit: 'int', json: 'boolean', progress: 'boolean', help: 'boolean',
};
export const EVAL_HELP = `usage: hairmatte eval --data DIR [--model NAME|FILE] [--refine guided|none] [--quality fast|best]
                      [--json] [--size S] [--split FILE] [--part val|train] [--limit N] [--random-weights]
                      [--threads N] [--progress]

  DIR/images/*.jpg with DIR/masks/<same name>.png (hair where >= 128), or the shared hair set
  (DIR/manifest.csv, DIR/<source>/images|masks; its validation split by default).
  Each photo is segmented exactly as \`hairmatte matte\` does it (the whole photo, as it is).
  Prints F1, Performance ((TP-FP)/(TP+FN)), IoU, Accuracy (threshold 0.5) and the gradient-consistency
  loss (paper Eq. 1 on the 8-bit matte read as a soft matte, alpha/255), means over images, per source.
  --model NAME|FILE   'hairmattenet' (default) or 'hairsegnet' (bundled), or a .hmm file
  --refine MODE       guided (default) or none
  --quality Q         fast (default) or best (the network also on the mirror image; twice its time)
  --size S            network input size (default: the model's)
  --split FILE        split file for a manifest folder (default training/splits/hair_split.json)
  --part P            val (default) or train
  --limit N           at most N images per source
  --json              print the results as JSON
  --progress          show the progress bar on stderr even when it is not a terminal`;

// ---------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------
// The samples: {source, id, note, image, mask} (file paths), sorted by (source, id), like data.py.
const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const DEFAULT_SPLIT = path.join(REPO_ROOT, 'training', 'splits', 'hair_split.json');
const IMAGE_EXTS = ['.jpg', '.jpeg', '.png'];

function findImage(dir, stem) {
  for (const ext of [...IMAGE_EXTS, ...IMAGE_EXTS.map((e) => e.toUpperCase())]) {
    if (fs.existsSync(path.join(dir, stem + ext))) return path.join(dir, stem + ext);
  }
  return null;
}

function parseCsv(text) {
  const [head, ...lines] = text.split(/\r?\n/).filter((l) => l.length > 0);
  const keys = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v])));
}

export function listSamples(dataDir, { split, part = 'val' } = {}) {
  if (!fs.existsSync(dataDir) || !fs.statSync(dataDir).isDirectory()) throw new Error(`--data ${dataDir}: no such folder`);
  if (!['val', 'train'].includes(part)) throw new UsageError(`--part must be val or train, got '${part}'`);
  const manifest = path.join(dataDir, 'manifest.csv');
  let samples = [];
  if (fs.existsSync(manifest)) {
    for (const row of parseCsv(fs.readFileSync(manifest, 'utf8'))) {
      const image = findImage(path.join(dataDir, row.source, 'images'), row.id);
      const mask = path.join(dataDir, row.source, 'masks', `${row.id}.png`);
      if (!image || !fs.existsSync(mask)) throw new Error(`${manifest}: ${row.source}/${row.id} has no image or mask file`);
      samples.push({ source: row.source, id: row.id, note: row.note || '', image, mask });
    }
    const splitFile = split ?? DEFAULT_SPLIT;
    let parts;
    try {
      parts = JSON.parse(fs.readFileSync(splitFile, 'utf8')).sources;
    } catch (e) {
      throw new Error(`--split ${splitFile}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    const keep = new Set(Object.entries(parts).flatMap(([src, p]) => (p[part] || []).map((id) => `${src}/${id}`)));
    samples = samples.filter((s) => keep.has(`${s.source}/${s.id}`));
  } else {
    const imageDir = path.join(dataDir, 'images'), maskDir = path.join(dataDir, 'masks');
    if (!fs.existsSync(imageDir) || !fs.existsSync(maskDir)) {
      throw new Error(`--data ${dataDir}: needs images/ and masks/ folders (or a manifest.csv)`);
    }
    const source = path.basename(path.resolve(dataDir));
    for (const name of fs.readdirSync(imageDir).sort()) {
      const ext = path.extname(name);
      if (!IMAGE_EXTS.includes(ext.toLowerCase())) continue;
      const stem = name.slice(0, name.length - ext.length);
      const mask = path.join(maskDir, `${stem}.png`);
      if (!fs.existsSync(mask)) throw new Error(`${path.join(imageDir, name)} has no mask ${mask}`);
      samples.push({ source, id: stem, note: '', image: path.join(imageDir, name), mask });
    }
  }
  if (samples.length === 0) throw new Error(`--data ${dataDir}: no image with a mask found`);
  return samples.sort((a, b) => (a.source === b.source ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.source < b.source ? -1 : 1));
}

export function limitPerSource(samples, limit) {
  if (!limit) return samples;
  const seen = {};
  return samples.filter((s) => (seen[s.source] = (seen[s.source] || 0) + 1) <= limit);
}

// ---------------------------------------------------------------------------------------------------
// What users get: segment() on the photo as it is, a still (the engine stretches the whole photo to the
// network's square, as in training, and maps the matte back; docs/matting.md). For comparison,
// `stretch: true` is the old protocol of training/evaluate.py done outside the engine: the photo stretched
// to a square at its long side, segmented, and the matte resized back.

// Bilinear resize with half-pixel centres (PyTorch align_corners=False), `channels` per pixel.
function axis(size, outSize) {
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), w = new Float64Array(outSize);
  const scale = size / outSize;
  for (let o = 0; o < outSize; o++) {
    const f = Math.max(0, (o + 0.5) * scale - 0.5);
    i0[o] = Math.min(size - 1, Math.floor(f));
    i1[o] = Math.min(size - 1, i0[o] + 1);
    w[o] = Math.min(1, f - i0[o]);
  }
  return { i0, i1, w };
}

export function resizeBilinear(src, width, height, channels, outWidth, outHeight, Out = Float32Array) {
  const out = new Out(outWidth * outHeight * channels);
  const round = Out === Uint8Array || Out === Uint8ClampedArray;
  const ax = axis(width, outWidth), ay = axis(height, outHeight);
  for (let y = 0; y < outHeight; y++) {
    const r0 = ay.i0[y] * width, r1 = ay.i1[y] * width, wy = ay.w[y];
    for (let x = 0; x < outWidth; x++) {
      const a = (r0 + ax.i0[x]) * channels, b = (r0 + ax.i1[x]) * channels;
      const c = (r1 + ax.i0[x]) * channels, d = (r1 + ax.i1[x]) * channels, wx = ax.w[x];
      const o = (y * outWidth + x) * channels;
      for (let k = 0; k < channels; k++) {
        const top = src[a + k] + (src[b + k] - src[a + k]) * wx;
        const bottom = src[c + k] + (src[d + k] - src[c + k]) * wx;
        const v = top + (bottom - top) * wy;
        out[o + k] = round ? Math.round(v) : v;
      }
    }
  }
  return out;
}

// The matte of a photo as P(hair) in [0, 1] at its resolution (Float32Array). `segment` takes an RGBA
// frame and returns its 8-bit alpha (HairMatte.segment, or a peer's).
export async function photoMatte(segment, image) {
  const alpha = (await segment(image)).data;
  const soft = Float32Array.from(alpha);
  for (let i = 0; i < soft.length; i++) soft[i] /= 255;
  return soft;
}

// The same, with the photo stretched to a square at its long side first and the matte resized back.
export async function stretchedMatte(segment, image) {
  const { width, height } = image;
  const side = Math.max(width, height);
  const square = width === height ? image
    : { width: side, height: side, data: resizeBilinear(image.data, width, height, 4, side, side, Uint8Array) };
  const alpha = (await segment(square)).data;
  const soft = width === height ? Float32Array.from(alpha)
    : resizeBilinear(alpha, side, side, 1, width, height, Float32Array);
  for (let i = 0; i < soft.length; i++) soft[i] /= 255;
  return soft;
}

// The mask as one byte per pixel (the first channel of the decoded PNG).
export function maskPlane(decoded, image, file) {
  if (decoded.width !== image.width || decoded.height !== image.height) {
    throw new Error(`${file}: mask ${decoded.width}x${decoded.height} and image ${image.width}x${image.height} differ`);
  }
  const plane = new Uint8Array(decoded.width * decoded.height);
  for (let i = 0; i < plane.length; i++) plane[i] = decoded.data[4 * i];
  return plane;
}

// Runs `segment` (frame -> 8-bit matte, or a promise of one) over the samples: per-image rows and group
// means. `decoder` is a HairMatte (its decodeImage reads JPEG/PNG); `inspect(sample, image, prob, mask)`
// may look at each prediction (failure-mode counts) and return extra fields for the row; `stretch`: the
// old pre-stretched protocol (stretchedMatte), for comparison only.
export async function evaluateSamples(decoder, segment, samples, { onImage = () => {}, inspect, stretch = false } = {}) {
  const matteOf = stretch ? stretchedMatte : photoMatte;
  const rows = [];
  for (const [i, s] of samples.entries()) {
    onImage(i, s);
    const image = readImageFile(decoder, s.image);
    const mask = maskPlane(readImageFile(decoder, s.mask), image, s.mask);
    const prob = await matteOf(segment, image);
    const row = { source: s.source, id: s.id, note: s.note, metrics: imageMetrics(image, prob, mask) };
    if (inspect) row.extra = inspect(s, image, prob, mask);
    rows.push(row);
  }
  return { rows, groups: groupMeans(rows) };
}

export function formatTable(groups) {
  const lines = [`${'group'.padEnd(22)} ${'n'.padStart(5)} ${'F1'.padStart(7)} ${'Perf'.padStart(7)} ${'IoU'.padStart(7)} ${'Acc'.padStart(7)} ${'GradCons'.padStart(9)}`];
  for (const [g, r] of Object.entries(groups)) {
    const f = (v, w = 7) => v.toFixed(4).padStart(w);
    lines.push(`${g.padEnd(22)} ${String(r.count).padStart(5)} ${f(r.f1)} ${f(r.performance)} ${f(r.iou)} ${f(r.accuracy)} ${f(r.gradConsistency, 9)}`);
  }
  return lines.join('\n');
}

export async function runEval(args) {
  if (!args.data) throw new UsageError('eval needs --data DIR');
  const { model, refine, threads } = engineOptions(args, { size: args.size });
  const create = stillEngineOptions({ model, refine, threads, quality: args.quality });
  const samples = limitPerSource(listSamples(args.data, { split: args.split, part: args.part ?? 'val' }), args.limit);
  if (args.size && !args['random-weights']) create.inputSize = args.size;
  const hm = await HairMatte.create(create);
  const bar = progress(samples.length, { force: args.progress === true });
  let result;
  const t0 = performance.now();
  try {
    // Exactly as `hairmatte matte` segments each photo.
    result = await evaluateSamples(hm, (frame) => segmentStill(hm, frame), samples,
      { onImage: (i, s) => bar.step(i, s.image) });
    bar.step(samples.length, 'done');
  } finally {
    bar.end();
  }
  const info = hm.info;
  hm.dispose();
  const report = {
    model: typeof model === 'string' ? path.basename(model) : `random ${model.random}`, arch: info.model,
    inputSize: info.inputSize, refine, quality: info.quality, softMatte: '8-bit alpha / 255', threshold: 0.5, part: args.part ?? 'val',
    seconds: Math.round((performance.now() - t0) / 100) / 10, groups: result.groups,
  };
  if (args.json) console.log(JSON.stringify(report, (k, v) => (Number.isNaN(v) ? null : v), 1));
  else console.log(`${report.model} (${info.model}, ${info.inputSize}x${info.inputSize}, refine ${refine}, quality ${info.quality}), ${samples.length} images\n${formatTable(result.groups)}`);
  return 0;
}
