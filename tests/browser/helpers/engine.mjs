// What the end-to-end browser tests need from the rest of the project, and clear skip reasons when absent.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './browser.mjs';

// The JS API and the single-thread wasm build (npm run build makes both).
export function engineSkipReason() {
  const needed = ['bindings/js/index.mjs', 'bindings/js/loader.mjs', 'dist/hairmatte-simd.mjs', 'dist/hairmatte-simd.wasm'];
  const missing = needed.filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
  return missing.length ? `the JS API / wasm build is missing (${missing.join(', ')}): run npm run build` : false;
}

// The trained HairMatteNet, needed wherever a test asserts that *hair* is found.
export function trainedModelSkipReason() {
  const file = path.join(REPO_ROOT, 'models', 'hairmattenet.hmm');
  return fs.existsSync(file) ? false : 'models/hairmattenet.hmm (the trained model) is absent; random weights cannot find hair';
}

// Page-side helpers, installed with page.addInitScript(PAGE_METRICS): compare the rendered output to the
// frame the engine saw and to a target colour, in the page (no megabytes through the test protocol).
export const PAGE_METRICS = () => {
  window.hmMetrics = (session, { color, hairMask = null } = {}) => {
    const out = session.renderer.readPixels().data;
    const { frame: rgba, matte } = session.renderer.last;  // the frame and matte the renderer drew
    const frame = rgba.data, alpha = matte.data;
    const target = color ? [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) : null;
    const m = { pixels: alpha.length, matteZero: 0, maxDiffMatteZero: 0, matteHigh: 0, changedMatteHigh: 0,
      meanMatte: 0, hairMatte: 0, hairDistBefore: 0, hairDistAfter: 0, hairCount: 0, maxDiffAll: 0 };
    for (let i = 0; i < alpha.length; i++) {
      const p = i * 4;
      let d = 0;
      for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(out[p + c] - frame[p + c]));
      m.maxDiffAll = Math.max(m.maxDiffAll, d);
      m.meanMatte += alpha[i] / 255 / alpha.length;
      if (alpha[i] === 0) { m.matteZero++; m.maxDiffMatteZero = Math.max(m.maxDiffMatteZero, d); }
      if (alpha[i] >= 200) { m.matteHigh++; if (d > 0) m.changedMatteHigh++; }
      const inHair = hairMask ? hairMask[i] : alpha[i] >= 200;
      if (target && inHair) {
        m.hairCount++;
        m.hairMatte += alpha[i] / 255;
        for (let c = 0; c < 3; c++) {
          m.hairDistBefore += Math.abs(frame[p + c] - target[c]);
          m.hairDistAfter += Math.abs(out[p + c] - target[c]);
        }
      }
    }
    if (m.hairCount) {
      m.hairDistBefore /= 3 * m.hairCount; m.hairDistAfter /= 3 * m.hairCount; m.hairMatte /= m.hairCount;
    }
    return m;
  };
  // A digest of the rendered output, to tell whether two renders differ.
  window.hmOutputDigest = (session) => {
    const out = session.renderer.readPixels().data;
    let h = 2166136261;
    for (let i = 0; i < out.length; i++) h = Math.imul(h ^ out[i], 16777619);
    return h >>> 0;
  };
};
