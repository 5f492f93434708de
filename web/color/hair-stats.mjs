// The hair statistics the recolour formula needs (docs/recolor.md; the JS twin of
// hm::compute_hair_stats in src/color/recolor.cc): the matte-weighted mean and standard deviation of the
// hair's OKLab lightness, sampled on every second pixel of every second row, and the first and
// one-past-last row holding hair (matte >= 128). Computed in the engine worker, next to the matte, and
// passed to the shader as uniforms. The shader-vs-C++ browser test keeps the two in agreement.
import {
  LINEAR_TO_LMS, LMS_TO_OKLAB, SRGB_DECODE_KNEE, SRGB_LINEAR_SLOPE, SRGB_OFFSET, SRGB_SCALE, SRGB_GAMMA,
} from '../../bindings/js/constants.mjs';

// Row r of a 3x3 matrix of constants.mjs times (x, y, z).
export const dot3 = (row, x, y, z) => row[0] * x + row[1] * y + row[2] * z;

// An sRGB value in [0, 1] -> linear light (the exact transfer function).
export const srgbToLinear = (v) =>
  (v <= SRGB_DECODE_KNEE ? v / SRGB_LINEAR_SLOPE : Math.pow((v + SRGB_OFFSET) / SRGB_SCALE, SRGB_GAMMA));

const SRGB_TO_LINEAR = (() => {
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = i / 255;
    table[i] = srgbToLinear(v);
  }
  return table;
})();

// OKLab lightness of an sRGB byte triple (Ottosson's M1 rows and the L row of M2).
export function oklabLightness(r, g, b) {
  const R = SRGB_TO_LINEAR[r], G = SRGB_TO_LINEAR[g], B = SRGB_TO_LINEAR[b];
  const l = Math.cbrt(dot3(LINEAR_TO_LMS[0], R, G, B));
  const m = Math.cbrt(dot3(LINEAR_TO_LMS[1], R, G, B));
  const s = Math.cbrt(dot3(LINEAR_TO_LMS[2], R, G, B));
  return dot3(LMS_TO_OKLAB[0], l, m, s);
}

export const NO_HAIR = Object.freeze({ lightness: 0.5, lightnessSd: 0.1, top: 0, bottom: 1, found: false });

// rgba: width*height*4 bytes; matte: width*height bytes.
export function computeHairStats(rgba, matte, width, height) {
  let sumW = 0, sumL = 0, sumLL = 0, top = -1, bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let rowHasHair = false;
    for (let x = 0; x < width; x++) {
      if (matte[row + x] >= 128) { rowHasHair = true; break; }
    }
    if (rowHasHair) {
      if (top < 0) top = y;
      bottom = y + 1;
    }
    if (y % 2) continue;
    for (let x = 0; x < width; x += 2) {
      const w = matte[row + x];
      if (w === 0) continue;
      const p = (row + x) * 4;
      const L = oklabLightness(rgba[p], rgba[p + 1], rgba[p + 2]);
      sumW += w; sumL += w * L; sumLL += w * L * L;
    }
  }
  if (sumW <= 0 || top < 0) return NO_HAIR;
  const mean = sumL / sumW;
  return { lightness: mean, lightnessSd: Math.sqrt(Math.max(0, sumLL / sumW - mean * mean)), top, bottom, found: true };
}
