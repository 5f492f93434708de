// The evaluation protocol shared by the CLI (`hairmatte eval`, bin/eval.mjs) and the evaluation report
// (evaluation/): which photos and masks a data folder holds (listSamples), how a photo's matte is
// obtained (photoMatte, or the old pre-stretched stretchedMatte), and the loop that measures them all
// (evaluateSamples, with the measures of bin/metrics.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './args.mjs';
import { readImageFile } from './images.mjs';
import { imageMetrics, groupMeans } from './metrics.mjs';

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
    // The split file is optional: the repository's default is not in the npm package, so an installed
    // CLI without --split evaluates every listed image.
    const splitFile = split ?? (fs.existsSync(DEFAULT_SPLIT) ? DEFAULT_SPLIT : null);
    if (splitFile !== null) {
      let parts;
      try {
        parts = JSON.parse(fs.readFileSync(splitFile, 'utf8')).sources;
      } catch (e) {
        throw new Error(`--split ${splitFile}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      }
      const keep = new Set(Object.entries(parts).flatMap(([src, p]) => (p[part] || []).map((id) => `${src}/${id}`)));
      samples = samples.filter((s) => keep.has(`${s.source}/${s.id}`));
    }
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
