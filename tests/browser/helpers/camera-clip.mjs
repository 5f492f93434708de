// Makes the fake camera's y4m clip at test time: a portrait from ../shared/portraits when present (decoded
// and scaled to cover width x height by Chromium itself), else the synthetic head of synthetic-head.mjs
// (whose hair and far-background masks are then known exactly). The clip repeats one frame, so every
// camera frame shows the same picture and outputs taken at different times are comparable.
import fs from 'node:fs';
import path from 'node:path';
import { SHARED_DIR, REPO_ROOT, launchChromium } from './browser.mjs';
import { drawSyntheticHead } from './synthetic-head.mjs';
import { writeY4m } from '../../../scripts/y4m.mjs';

export function portraitFiles() {
  const dir = path.join(SHARED_DIR, 'portraits');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => path.join(dir, f));
}

// The one real portrait a fresh clone has: the unrecoloured first panel of docs/figures/astronaut-recolor.png
// (Eileen Collins, NASA, public domain; see evaluation/figures.mjs), the top 192x144: head and hair, for a 4:3 camera.
export const REPO_PORTRAIT = { file: path.join(REPO_ROOT, 'docs', 'figures', 'astronaut-recolor.png'),
  crop: { x: 0, y: 0, width: 192, height: 144 } };

// Decodes an image file with Chromium and returns RGBA pixels scaled to cover width x height (centre crop);
// `crop` {x, y, width, height} takes that part of the image first.
export async function decodeWithChromium(file, width, height, crop = null) {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const base64 = fs.readFileSync(file).toString('base64');
    const out = await page.evaluate(async ({ base64, width, height, crop }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const blob = new Blob([bytes]);
      const bitmap = crop ? await createImageBitmap(blob, crop.x, crop.y, crop.width, crop.height) : await createImageBitmap(blob);
      const scale = Math.max(width / bitmap.width, height / bitmap.height);
      const w = bitmap.width * scale, h = bitmap.height * scale;
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      context.drawImage(bitmap, (width - w) / 2, (height - h) / 2, w, h);
      const data = context.getImageData(0, 0, width, height).data;
      let s = '';
      for (let i = 0; i < data.length; i += 8192) s += String.fromCharCode(...data.subarray(i, i + 8192));
      return btoa(s);
    }, { base64, width, height, crop });
    return new Uint8Array(Buffer.from(out, 'base64'));
  } finally {
    await browser.close();
  }
}

// A validation-split photo of the training pool with its hair mask (never a training image), or null.
export function validationPhoto(source = 'celebamask') {
  const split = path.join(REPO_ROOT, 'training', 'splits', 'hair_split.json');
  if (!fs.existsSync(split)) return null;
  const id = JSON.parse(fs.readFileSync(split, 'utf8')).sources?.[source]?.val?.[0];
  const image = path.join(SHARED_DIR, 'data', 'hair', source, 'images', `${id}.jpg`);
  const mask = path.join(SHARED_DIR, 'data', 'hair', source, 'masks', `${id}.png`);
  return id && fs.existsSync(image) && fs.existsSync(mask) ? { id, image, mask } : null;
}

// Marks pixels farther than `margin` px (Chebyshev) from every hair pixel: separable max filter.
function farFromHair(hair, width, height, margin) {
  const rows = new Uint8Array(hair.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let near = 0;
      for (let d = Math.max(0, x - margin); d <= Math.min(width - 1, x + margin) && !near; d++) near = hair[y * width + d];
      rows[y * width + x] = near;
    }
  }
  const far = new Uint8Array(hair.length);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      let near = 0;
      for (let d = Math.max(0, y - margin); d <= Math.min(height - 1, y + margin) && !near; d++) near = rows[d * width + x];
      far[y * width + x] = near ? 0 : 1;
    }
  }
  return far;
}

// Returns {file, source, width, height, rgba, hair?, far?}.
// `prefer`: 'portrait' | 'synthetic' | 'dataset' (a validation photo with its mask, when ../shared/data has it)
// | 'repo-portrait' (REPO_PORTRAIT: a real face and hair that needs nothing outside the repository).
export async function makeCameraClip(dir, { width = 640, height = 480, frames = 10, prefer = 'portrait' } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const portraits = portraitFiles();
  let clip;
  const photo = prefer === 'dataset' ? validationPhoto() : null;
  if (prefer === 'repo-portrait') {
    const rgba = await decodeWithChromium(REPO_PORTRAIT.file, width, height, REPO_PORTRAIT.crop);
    clip = { source: 'repository portrait (docs/figures/astronaut-recolor.png)', width, height, rgba };
  } else if (photo) {
    const rgba = await decodeWithChromium(photo.image, width, height);
    const maskRgba = await decodeWithChromium(photo.mask, width, height);
    const hair = new Uint8Array(width * height);
    for (let i = 0; i < hair.length; i++) hair[i] = maskRgba[i * 4] >= 128 ? 1 : 0;
    clip = { source: `validation photo ${photo.id}`, width, height, rgba, hair, far: farFromHair(hair, width, height, 40) };
  } else if (prefer === 'portrait' && portraits.length) {
    const rgba = await decodeWithChromium(portraits[0], width, height);
    clip = { source: `portrait ${path.basename(portraits[0])}`, width, height, rgba };
  } else {
    const head = drawSyntheticHead(width, height);
    clip = { source: 'synthetic head', width, height, rgba: head.data, hair: head.hair, far: head.far };
  }
  clip.file = writeY4m(path.join(dir, `camera-${width}x${height}.y4m`), width, height, Array(frames).fill(clip.rgba));
  return clip;
}
