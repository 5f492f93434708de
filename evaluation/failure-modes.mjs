// Counts of the failure modes the paper names, measured per validation image from the prediction, the
// hand-drawn mask and the photo (nothing is shown: the photos may not be published). Definitions (luma Y
// = BT.601 on 0..255, prediction = P(hair) >= 0.5, M = the mask):
// - dark look-alikes (eyebrows next to dark hair): images with dark hair (mean Y of M < 70) and
//   eyebrow-shaped false positives: 4-connected blobs of (prediction and not M) that are wider than twice
//   their height, 0.02%..0.5% of the image, dark (mean Y < 80) and do not touch the image border;
// - light hair on a bright background: light hair (mean Y of M > 120) whose 3..12 px outer band differs by
//   less than 25 in mean Y; such images' IoU against the others';
// - highlights: hair pixels brighter than max(170, mean + 2 sd of the hair's Y), on images where they are
//   at least 1% of the hair; their miss rate (false negatives) against the miss rate of all hair pixels.
//   Only hair pixels at distance >= 3 from the nearest non-hair pixel count (drawn masks are coarse at edges).
export function lumaPlane(rgba, n) {
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
  return y;
}

// Chebyshev distance to the mask up to `radius` (0 inside), by repeated 3x3 dilation (radius is small).
function ringDistance(mask, width, height, radius) {
  const dist = new Uint8Array(width * height).fill(255);
  let front = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) { dist[i] = 0; front.push(i); }
  for (let r = 1; r <= radius && front.length; r++) {
    const next = [];
    for (const i of front) {
      const x = i % width, y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const j = yy * width + xx;
          if (dist[j] === 255) { dist[j] = r; next.push(j); }
        }
      }
    }
    front = next;
  }
  return dist;
}

// 4-connected components of `on` -> [{area, minX, maxX, minY, maxY, lumaSum, touchesBorder}].
export function components(on, width, height, luma) {
  const label = new Int32Array(width * height).fill(-1);
  const out = [];
  const stack = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || label[start] >= 0) continue;
    const c = { area: 0, minX: width, maxX: -1, minY: height, maxY: -1, lumaSum: 0, touchesBorder: false };
    label[start] = out.length;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop();
      const x = i % width, y = (i - x) / width;
      c.area++; c.lumaSum += luma[i];
      c.minX = Math.min(c.minX, x); c.maxX = Math.max(c.maxX, x); c.minY = Math.min(c.minY, y); c.maxY = Math.max(c.maxY, y);
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) c.touchesBorder = true;
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && on[j] && label[j] < 0) { label[j] = out.length; stack.push(j); }
      }
    }
    out.push(c);
  }
  return out;
}

// Per-image measurements; image: {data, width, height}, prob: P(hair) [0, 1], mask: bytes (hair >= 128).
export function inspectFailureModes(image, prob, mask) {
  const { width, height } = image, n = width * height;
  const luma = lumaPlane(image.data, n);
  const gt = new Uint8Array(n), fp = new Uint8Array(n);
  let hair = 0, hairLuma = 0, hairLuma2 = 0;
  for (let i = 0; i < n; i++) {
    gt[i] = mask[i] >= 128 ? 1 : 0;
    fp[i] = prob[i] >= 0.5 && !gt[i] ? 1 : 0;
    if (gt[i]) { hair++; hairLuma += luma[i]; hairLuma2 += luma[i] * luma[i]; }
  }
  const out = { hairPixels: hair };
  if (hair === 0) return out;
  const mean = hairLuma / hair, sd = Math.sqrt(Math.max(0, hairLuma2 / hair - mean * mean));
  out.hairLuma = mean;
  // Dark look-alikes.
  out.darkHair = mean < 70;
  out.eyebrowBlobs = components(fp, width, height, luma).filter((c) => {
    const w = c.maxX - c.minX + 1, h = c.maxY - c.minY + 1;
    return w > 2 * h && c.area >= 0.0002 * n && c.area <= 0.005 * n && c.lumaSum / c.area < 80 && !c.touchesBorder;
  }).length;
  // Light hair against its surroundings.
  const dist = ringDistance(gt, width, height, 12);
  let band = 0, bandLuma = 0;
  for (let i = 0; i < n; i++) if (dist[i] >= 3 && dist[i] <= 12) { band++; bandLuma += luma[i]; }
  out.lightHairLowContrast = mean > 120 && band > 0 && Math.abs(bandLuma / band - mean) < 25;
  // Highlights, in the mask's interior.
  const bright = Math.max(170, mean + 2 * sd);
  const notHair = new Uint8Array(n);
  for (let i = 0; i < n; i++) notHair[i] = 1 - gt[i];
  const depth = ringDistance(notHair, width, height, 3);
  let hl = 0, hlMissed = 0, missed = 0, interior = 0;
  for (let i = 0; i < n; i++) {
    if (!gt[i] || depth[i] < 3) continue;
    interior++;
    const miss = prob[i] < 0.5;
    if (miss) missed++;
    if (luma[i] > bright) { hl++; if (miss) hlMissed++; }
  }
  out.missRate = interior ? missed / interior : NaN;
  out.highlightPixels = hl;
  out.highlightMissRate = hl ? hlMissed / hl : NaN;
  out.hasHighlights = hl >= 0.01 * interior && hl > 0;
  return out;
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

// rows: evaluateSamples rows with `extra` from inspectFailureModes -> the report's counts.
export function summariseFailureModes(rows) {
  const withHair = rows.filter((r) => r.extra && r.extra.hairPixels > 0);
  const dark = withHair.filter((r) => r.extra.darkHair);
  const light = withHair.filter((r) => r.extra.lightHairLowContrast);
  const others = withHair.filter((r) => !r.extra.lightHairLowContrast);
  const hl = withHair.filter((r) => r.extra.hasHighlights);
  return {
    images: rows.length,
    darkHairImages: dark.length,
    darkHairWithEyebrowBlobs: dark.filter((r) => r.extra.eyebrowBlobs > 0).length,
    otherImagesWithEyebrowBlobs: withHair.filter((r) => !r.extra.darkHair && r.extra.eyebrowBlobs > 0).length,
    lightLowContrastImages: light.length,
    lightLowContrastIoU: mean(light.map((r) => r.metrics.iou)),
    otherIoU: mean(others.map((r) => r.metrics.iou)),
    highlightImages: hl.length,
    highlightMissRate: mean(hl.map((r) => r.extra.highlightMissRate)),
    hairMissRateOnThoseImages: mean(hl.map((r) => r.extra.missRate)),
    highlightImagesWorse: hl.filter((r) => r.extra.highlightMissRate > 2 * r.extra.missRate && r.extra.highlightMissRate > 0.05).length,
  };
}
