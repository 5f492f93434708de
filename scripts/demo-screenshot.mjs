#!/usr/bin/env node
// The README's screenshot of the demo (docs/figures/demo.png): the page behind `npm start`
// (scripts/serve.mjs, cross-origin isolated) in headless Chromium with the trained HairMatteNet, its fake
// camera fed the astronaut portrait (NASA, public domain, from Debian's python3-skimage: see
// evaluation/figures.mjs), recoloured with the default look (solid Burgundy) with the before/after split
// at the middle.
// Nothing from ../shared is used. Needs `npm run build` (dist/) and Chromium (scripts/setup.sh).
//   node scripts/demo-screenshot.mjs [--out docs/figures/demo.png]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HairMatte } from '../bindings/js/index.mjs';
import { DEFAULT_LOOK_COLOR } from '../bindings/js/constants.mjs';
import { resizeBilinear } from '../bin/eval-samples.mjs';
import { astronautFile, shrinkPng } from '../evaluation/figures.mjs';
import { launchChromium } from './chromium.mjs';
import { startRealServer } from './serve-child.mjs';
import { writeY4m } from './y4m.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const outIndex = process.argv.indexOf('--out');
const OUT = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(REPO_ROOT, 'docs', 'figures', 'demo.png'));
const WIDTH = 640, HEIGHT = 480;
const SCALE = 0.6;  // the page (1280 x 800 of it) is stored at 0.6x to keep the PNG small

// The 512 x 512 portrait scaled to the camera's width; its top 480 rows (the head and shoulders) are the frame.
const codec = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
const photo = codec.decodeImage(new Uint8Array(fs.readFileSync(astronautFile())));
const side = WIDTH;
const scaled = resizeBilinear(photo.data, photo.width, photo.height, 4, side, side, Uint8Array);
const frame = scaled.subarray(0, WIDTH * HEIGHT * 4);
const clipDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-demo-shot-'));
const clip = writeY4m(path.join(clipDir, 'astronaut.y4m'), WIDTH, HEIGHT, Array(10).fill(frame));

const server = await startRealServer(path.join(REPO_ROOT, 'scripts', 'serve.mjs'), { isolated: true });
const browser = await launchChromium({ camera: { y4m: clip } });
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/web/index.html?model=hairmattenet&threads=1`);
  await page.evaluate(() => window.hmDemo.ready);
  await page.waitForFunction(() => window.hmDemo.session.stats.frames >= 10, null, { timeout: 120000 });
  // Colour and split through the page's own controls, as a visitor would set them.
  await page.locator('#color').fill(DEFAULT_LOOK_COLOR);
  await page.locator('#split').fill('0.5');
  await page.waitForTimeout(2000);  // a few more frames with the new look (temporal smoothing settles)
  const shot = await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 800 } });  // no empty bottom
  const image = codec.decodeImage(new Uint8Array(shot));
  const w = Math.round(image.width * SCALE), h = Math.round(image.height * SCALE);
  const small = resizeBilinear(image.data, image.width, image.height, 4, w, h, Uint8Array);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, codec.encodePng({ width: w, height: h, data: small }));
  shrinkPng(OUT, { palette: true });  // 256 colours: a screenshot, not a colour reference
  const stats = await page.evaluate(() => window.hmDemo.session.stats);
  console.log(`wrote ${path.relative(REPO_ROOT, OUT)} (${w}x${h}, ${fs.statSync(OUT).size} bytes); ` +
    `demo stats: ${stats.frames} frames, ${stats.msPerFrame?.toFixed?.(1)} ms per frame, ${stats.fps?.toFixed?.(1)} fps`);
} finally {
  await browser.close();
  await server.close();
  codec.dispose();
  fs.rmSync(clipDir, { recursive: true, force: true });
}
