// Shared fixtures of the Node tests: deterministic frames, small random-weight model files, and an
// independent JS reference of the frame pipeline (bilinear resize, network, bilinear upsample).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = path.join(REPO_ROOT, 'dist');

// The tests exercise the real wasm builds; without them every test would fail for one reason.
for (const file of ['hairmatte-simd.wasm', 'hairmatte-simd-threads.wasm', 'hairmatte-plain.wasm']) {
  if (!fs.existsSync(path.join(DIST, file))) {
    throw new Error(`dist/${file} is missing: run \`npm run build\` (or \`bash scripts/build-wasm.sh\`) first`);
  }
}

// Small networks keep the suite fast; the architecture is the real one (all stages, skips, dilations).
export const SMALL = Object.freeze({ decoderDepth: 16, widthPermille: 250, inputSize: 64 });

export function randomFrame(width, height, seed = 1) {
  const data = new Uint8Array(width * height * 4);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    data[i] = state & 255;
  }
  return { data, width, height };
}

// A smooth frame (gradients) on which bilinear interpolation is well conditioned.
export function smoothFrame(width, height) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = Math.round((255 * x) / Math.max(1, width - 1));
      data[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      data[i + 2] = (x * 7 + y * 3) & 255;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

// A .hmm file with random weights, written by the benchmarks' model writer (from the format spec).
export async function randomModelBytes(arch = 'hairsegnet', spec = SMALL, seed = 7) {
  const { randomModelFile } = await import('../../benchmarks/peers/random-weights.mjs');
  const { archFromName } = await import('../../benchmarks/peers/architecture.mjs');
  return randomModelFile({ arch: archFromName(arch), ...spec }, seed);
}

// --- the independent reference of the pipeline ---

// Half-pixel-centre source coordinate, clamped (PyTorch align_corners=False / OpenCV INTER_LINEAR).
function taps(dst, srcN, dstN) {
  const s = Math.min(Math.max((dst + 0.5) * (srcN / dstN) - 0.5, 0), srcN - 1);
  const i0 = Math.floor(s);
  return [i0, Math.min(i0 + 1, srcN - 1), s - i0];
}

// planes: get(x, y, c) -> number; returns Float64Array dstW*dstH*channels.
export function bilinear(get, srcW, srcH, channels, dstW, dstH) {
  const out = new Float64Array(dstW * dstH * channels);
  for (let y = 0; y < dstH; y++) {
    const [y0, y1, fy] = taps(y, srcH, dstH);
    for (let x = 0; x < dstW; x++) {
      const [x0, x1, fx] = taps(x, srcW, dstW);
      for (let c = 0; c < channels; c++) {
        const top = get(x0, y0, c) * (1 - fx) + get(x1, y0, c) * fx;
        const bottom = get(x0, y1, c) * (1 - fx) + get(x1, y1, c) * fx;
        out[(y * dstW + x) * channels + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

// frame -> alpha (Uint8Array) through the benchmarks' float64 reference network (reference-net.mjs), for
// refine 'none': the crop region {x, y, width, height} (default: the whole frame, a still) resized to the
// network input (each axis on its own: a stretch), the network, and its probability resampled onto the
// frame's pixels inside the region (0 outside).
// levelLow: the pipeline's matte levels (matte_pipeline.h, info.matteLevelLow): a -> round(255 clamp((a - L) /
// (255 - 2L))) on the rounded byte, as the pipeline applies them.
export async function referenceMatte(modelBytes, frame, crop = { x: 0, y: 0, width: frame.width, height: frame.height }, levelLow = 0) {
  const { readModelFile, weightsForGraph } = await import('../../benchmarks/peers/model-file.mjs');
  const { buildGraph } = await import('../../benchmarks/peers/architecture.mjs');
  const { runReference } = await import('../../benchmarks/peers/reference-net.mjs');
  const model = readModelFile(modelBytes);
  const graph = buildGraph(model);
  const weights = weightsForGraph(model, graph);
  const S = model.inputSize;
  const { data, width, height } = frame;
  const at = (x, y, c) => data[((crop.y + y) * width + crop.x + x) * 4 + c];
  const resized = bilinear(at, crop.width, crop.height, 4, S, S);
  const input = Uint8Array.from(resized, (v) => Math.min(255, Math.max(0, Math.floor(v + 0.5))));
  const p = runReference(graph, weights, input, S);
  const up = bilinear((x, y) => p[y * S + x], S, S, 1, crop.width, crop.height);
  const alpha = new Uint8Array(width * height);
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      const a = Math.floor(Math.min(1, Math.max(0, up[y * crop.width + x])) * 255 + 0.5);
      const level = (a - levelLow) / (255 - 2 * levelLow);
      alpha[(crop.y + y) * width + crop.x + x] = Math.floor(Math.min(1, Math.max(0, level)) * 255 + 0.5);
    }
  }
  return alpha;
}

export function diffStats(a, b) {
  let max = 0, over1 = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    if (d > 1) over1++;
  }
  return { max, over1Fraction: over1 / a.length };
}
