// Our engine through its public ES module (bindings/js/index.mjs, the `hairmatte` package), given the same
// model file the peers read. segment() on a size x size frame runs the whole frame pipeline (copy in, the
// network, probability -> 8-bit alpha, copy out); at frame size == network size the resizes are
// identities, so this is the network plus a few copies. The module returns the matte as 8-bit alpha, not
// the float probability, so its parity with the peers is checked as alpha / 255 within half a step.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './peer-modules.mjs';

const MODULE_PATH = path.join(REPO_ROOT, 'bindings', 'js', 'index.mjs');

// Why our engine cannot run here (null when it can): the module or the wasm build it would load for this
// thread count (bindings/js/loader.mjs: dist/hairmatte-simd[-threads].{mjs,wasm}) is missing.
export function hairmatteUnavailableReason(threads) {
  if (!fs.existsSync(MODULE_PATH)) return `${path.relative(REPO_ROOT, MODULE_PATH)} is missing`;
  const build = threads > 1 ? 'hairmatte-simd-threads' : 'hairmatte-simd';
  for (const ext of ['mjs', 'wasm']) {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', `${build}.${ext}`))) return `dist/${build}.${ext} is missing (run \`npm run build\`)`;
  }
  return null;
}

// Returns { name, version, outputIsAlpha8: true, setInput(rgba), run() -> Float32Array alpha/255, dispose() }.
export async function createHairMatteRunner({ modelBytes, size, threads }) {
  const { HairMatte, VERSION } = await import(pathToFileURL(MODULE_PATH).href);
  // The plain network on the whole frame: no refinement, no temporal smoothing, no head crop (trackHead,
  // an option newer modules have; older ones reject it as unknown and never crop).
  const options = { model: new Uint8Array(modelBytes), threads, refine: 'none', temporal: 0, inputSize: size };
  let hm;
  try {
    hm = await HairMatte.create({ ...options, trackHead: false });
  } catch (e) {
    if (!/unknown option 'trackHead'/.test(e.message)) throw e;
    hm = await HairMatte.create(options);
  }
  if (hm.info.threads !== threads) throw new Error(`hairmatte runs ${hm.info.threads} threads, ${threads} requested`);
  if (hm.info.inputSize !== size) throw new Error(`hairmatte planned ${hm.info.inputSize}, ${size} requested`);
  let frame = null;
  // segment() applies the pipeline's matte levels (src/matting/matte_pipeline.h): the 8-bit alpha a of
  // P(hair) is mapped to (a - low) / (255 - 2 low), clamped. A float probability is compared with our
  // output after the same mapping; rounding twice (to 8 bits, then after the stretch by 255 / (255 - 2 low))
  // bounds the difference by half a step of each.
  const low = hm.info.matteLevelLow ?? 0;
  const stretch = 255 / (255 - 2 * low);
  return {
    name: 'hairmatte',
    version: VERSION,
    outputIsAlpha8: true,
    alphaTolerance: (0.5 * stretch + 0.5) / 255,
    toOutputSpace(probability) {
      const out = new Float32Array(probability.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, (probability[i] - low / 255) * stretch));
      return out;
    },
    info: hm.info,
    setInput(rgba) { frame = { data: rgba, width: size, height: size }; },
    run() {
      const alpha = hm.segment(frame).data;
      const p = new Float32Array(alpha.length);
      for (let i = 0; i < alpha.length; i++) p[i] = alpha[i] / 255;
      return p;
    },
    dispose() { hm.dispose(); },
  };
}
