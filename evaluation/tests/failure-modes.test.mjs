// The failure-mode measurements on drawn images whose answers are known by construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { components, inspectFailureModes, summariseFailureModes } from '../failure-modes.mjs';

test('components: 4-connected blobs with their boxes, areas and border contact', () => {
  const grid = [
    '11..1',
    '1...1',
    '..1..',
    '.11.1',
  ];
  const w = 5, h = 4;
  const on = Uint8Array.from(grid.join('').split('').map((c) => (c === '1' ? 1 : 0)));
  const cs = components(on, w, h, new Float32Array(w * h).fill(10));
  // Diagonal neighbours are separate (4-connectivity): {0,1,5}, {4,9}, {12,16,17}, {19}.
  assert.deepEqual(cs.map((c) => c.area).sort(), [1, 2, 3, 3]);
  const middle = cs.find((c) => c.minX === 1 && c.minY === 2);
  assert.deepEqual([middle.area, middle.maxX, middle.maxY, middle.touchesBorder], [3, 2, 3, true]);
  assert.equal(cs.reduce((a, c) => a + c.lumaSum, 0), 10 * 9);
});

// A 200x200 photo: grey background (luma `bg`), a hair cap of colour `hair` over rows 20..89, an
// eyebrow-shaped dark bar at rows 110..114, x 75..104 (150 px = 0.375% of the image), and a few bright highlight pixels in the hair.
function drawn({ hair = 40, bg = 150, brow = 30, predictBrow = true, missHighlights = true } = {}) {
  const w = 200, h = 200, n = w * h;
  const data = new Uint8Array(4 * n), mask = new Uint8Array(n), prob = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const inHair = y >= 20 && y < 90 && x >= 30 && x < 170;
      const inBrow = y >= 110 && y < 115 && x >= 75 && x < 105;
      const highlight = inHair && y >= 50 && y < 56 && x >= 60 && x < 100;  // 240 px, well inside
      const v = highlight ? 250 : inHair ? hair : inBrow ? brow : bg;
      data.fill(v, 4 * i, 4 * i + 3);
      data[4 * i + 3] = 255;
      mask[i] = inHair ? 255 : 0;
      prob[i] = (inHair && !(highlight && missHighlights)) || (inBrow && predictBrow) ? 0.9 : 0.1;
    }
  }
  return { image: { data, width: w, height: h }, mask, prob };
}

test('an eyebrow-shaped dark false positive next to dark hair is counted; without it, none', () => {
  const a = drawn();
  const m = inspectFailureModes(a.image, a.prob, a.mask);
  assert.equal(m.darkHair, true);
  assert.equal(m.eyebrowBlobs, 1);
  const b = drawn({ predictBrow: false });
  assert.equal(inspectFailureModes(b.image, b.prob, b.mask).eyebrowBlobs, 0);
  const light = drawn({ hair: 200, brow: 200 });
  assert.equal(inspectFailureModes(light.image, light.prob, light.mask).darkHair, false);
  assert.equal(inspectFailureModes(light.image, light.prob, light.mask).eyebrowBlobs, 0, 'a bright blob is not dark');
});

test('light hair on a background of similar brightness is flagged; on a dark background it is not', () => {
  const same = drawn({ hair: 170, bg: 180 });
  assert.equal(inspectFailureModes(same.image, same.prob, same.mask).lightHairLowContrast, true);
  const contrast = drawn({ hair: 170, bg: 60 });
  assert.equal(inspectFailureModes(contrast.image, contrast.prob, contrast.mask).lightHairLowContrast, false);
});

test('missed highlights: their miss rate is 1 while the hair interior is missed only there', () => {
  const a = drawn();
  const m = inspectFailureModes(a.image, a.prob, a.mask);
  assert.equal(m.highlightPixels, 240);
  assert.equal(m.highlightMissRate, 1);
  // Interior = hair pixels at Chebyshev distance >= 3 from the nearest non-hair pixel, i.e. the two outer
  // rings dropped: (70 - 4) x (140 - 4) = 8976 pixels, 240 of them missed.
  assert.ok(Math.abs(m.missRate - 240 / 8976) < 1e-12, `miss rate ${m.missRate}`);
  const kept = drawn({ missHighlights: false });
  assert.equal(inspectFailureModes(kept.image, kept.prob, kept.mask).highlightMissRate, 0);
  const s = summariseFailureModes([{ metrics: { iou: 0.5 }, extra: m }]);
  assert.equal(s.highlightImages, 1);
  assert.equal(s.highlightImagesWorse, 1);
  assert.equal(s.darkHairWithEyebrowBlobs, 1);
});
