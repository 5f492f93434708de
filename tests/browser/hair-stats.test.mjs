// The JS hair statistics (the recolour shader's uniforms) against values worked out by hand and a
// brute-force weighted mean: OKLab L of white is 1 and of black 0; grey sRGB 99 (linear 0.125 = 0.5^3) has L ~0.5;
// the extent is the first and one-past-last row with matte >= 128.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHairStats, oklabLightness, NO_HAIR } from '../../web/color/hair-stats.mjs';

test('hair stats: OKLab lightness anchors', () => {
  assert.ok(Math.abs(oklabLightness(255, 255, 255) - 1) < 1e-6);
  assert.equal(oklabLightness(0, 0, 0), 0);
  assert.ok(Math.abs(oklabLightness(99, 99, 99) - 0.5) < 0.002);
});

test('hair stats: weighted mean, spread and vertical extent', () => {
  const width = 8, height = 10;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const matte = new Uint8Array(width * height);
  // Rows 3..6 hold hair; even rows/columns are the sampled ones. Row 4 black (weight 255), row 6 white (weight 85).
  for (let x = 0; x < width; x++) {
    matte[3 * width + x] = 200;
    matte[4 * width + x] = 255;
    matte[5 * width + x] = 100;
    matte[6 * width + x] = 85;
    for (let c = 0; c < 3; c++) rgba[(4 * width + x) * 4 + c] = 0;
  }
  const s = computeHairStats(rgba, matte, width, height);
  // Sampled: row 4 (L = 0, w = 255) and row 6 (L = 1, w = 85), 4 pixels each -> mean 85/340 = 0.25.
  assert.ok(Math.abs(s.lightness - 0.25) < 1e-6, `mean ${s.lightness}`);
  assert.ok(Math.abs(s.lightnessSd - Math.sqrt(0.25 - 0.0625)) < 1e-6, `sd ${s.lightnessSd}`);
  assert.equal(s.top, 3);
  assert.equal(s.bottom, 5, 'row 5 (matte 100) and row 6 (85) are below 128: the extent ends after row 4');
  assert.equal(s.found, true);
});

test('hair stats: no hair -> the defaults', () => {
  const s = computeHairStats(new Uint8Array(4 * 4 * 4), new Uint8Array(16), 4, 4);
  assert.deepEqual(s, NO_HAIR);
});
