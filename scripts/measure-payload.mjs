#!/usr/bin/env node
// Measures what a first try-on downloads: the demo page served by scripts/serve.mjs (what `npm start`
// runs: brotli/gzip, ETags) in headless Chromium with a fake camera, from the first request until the
// first recoloured frame, bytes on the wire (compressed) and decoded. Beside it, MediaPipe's hair
// segmenter as its npm package and model would be served: the ES bundle, the SIMD wasm and its loader,
// and hair_segmenter.tflite (../shared/peers), raw and as brotli. Not a test: prints a table.
//   node scripts/measure-payload.mjs [--threads 1]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { startRealServer } from './serve-child.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');

const threadsAt = process.argv.indexOf('--threads');
const threads = threadsAt > 0 ? Number(process.argv[threadsAt + 1]) : 1;
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;

async function measureDemo() {
  const server = await startRealServer(path.join(REPO_ROOT, 'scripts', 'serve.mjs'), { isolated: threads > 1 });
  const browser = await launchChromium({ camera: {} });
  const rows = [];
  try {
    const page = await browser.context.newPage();
    page.on('requestfinished', async (request) => {
      const response = await request.response();
      if (!response) return;
      const sizes = await request.sizes();
      let decoded = 0;
      try { decoded = (await response.body()).length; } catch { /* redirects have no body */ }
      rows.push({ path: new URL(request.url()).pathname, wire: sizes.responseBodySize, decoded,
        encoding: response.headers()['content-encoding'] || '' });
    });
    await page.goto(`${server.origin}/web/index.html?threads=${threads}`);
    await page.evaluate(() => window.hmDemo.ready);
    await page.evaluate(() => new Promise((resolve) => { const stop = window.hmDemo.session.onFrame(() => { stop(); resolve(); }); }));
    await page.waitForTimeout(500);  // let the last requestfinished events land
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

function measureMediaPipe() {
  const pkg = path.join(REPO_ROOT, 'node_modules', '@mediapipe', 'tasks-vision');
  const files = [path.join(pkg, 'vision_bundle.mjs'), path.join(pkg, 'wasm', 'vision_wasm_internal.js'),
    path.join(pkg, 'wasm', 'vision_wasm_internal.wasm'), path.join(SHARED_DIR, 'peers', 'mediapipe-hair-segmenter', 'hair_segmenter.tflite')];
  return files.filter((f) => fs.existsSync(f)).map((f) => {
    const raw = fs.readFileSync(f);
    const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: raw.length > 1 << 20 ? 5 : 11 } });
    return { path: path.relative(REPO_ROOT, f), wire: br.length, decoded: raw.length, encoding: 'br' };
  });
}

function print(title, rows) {
  console.log(`\n${title}`);
  for (const r of rows.sort((a, b) => b.decoded - a.decoded)) {
    console.log(`  ${r.path.padEnd(60)} ${kb(r.wire).padStart(9)} ${kb(r.decoded).padStart(9)} ${r.encoding}`);
  }
  const wire = rows.reduce((s, r) => s + r.wire, 0), decoded = rows.reduce((s, r) => s + r.decoded, 0);
  console.log(`  ${'total'.padEnd(60)} ${mb(wire).padStart(9)} ${mb(decoded).padStart(9)}  (${rows.length} files)`);
  return { wire, decoded };
}

const demo = print(`hairmatte demo, first try-on (${threads} thread(s)): compressed, decoded`, await measureDemo());
const mediapipe = print('MediaPipe hair segmenter (@mediapipe/tasks-vision + model): brotli, raw', measureMediaPipe());
console.log(JSON.stringify({ threads, demo, mediapipe }));
