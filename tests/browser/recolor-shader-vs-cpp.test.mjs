// The page's WebGL2 recolour (recolor.glsl on SwiftShader) against the C++ one (hm::recolor through the
// JS API, HairMatte.recolor in the page) on the same frame and matte: every channel of every pixel within 2/255,
// for each mode and several colours (dark, mid, light targets; darkening and lightening).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserSkipReason, launchChromium, recordConsole, REPO_ROOT } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { engineSkipReason } from './helpers/engine.mjs';
import { drawSyntheticHead } from './helpers/synthetic-head.mjs';

function recolorSkipReason() {
  const api = fs.readFileSync(path.join(REPO_ROOT, 'bindings/js/index.mjs'), 'utf8');
  return /^\s+recolor\(/m.test(api) ? false : 'the JS API has no recolor() yet (bindings/js/index.mjs)';
}

const skip = (await browserSkipReason()) || engineSkipReason() || recolorSkipReason();
let server, browser, page;

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: { '/blank.html': '<!doctype html><canvas id="c"></canvas>' } });
  browser = await launchChromium();
  page = await browser.context.newPage();
  recordConsole(page);
  await page.goto(`${server.origin}/blank.html`);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

// A drawn head with per-pixel noise (so many colours are covered) and a soft matte: the hair mask
// with a 4-px linear ramp outside it, plus some isolated low-alpha pixels elsewhere.
function testImage() {
  const width = 160, height = 120;
  const head = drawSyntheticHead(width, height, { margin: 4 });
  let seed = 7;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  const data = new Uint8Array(head.data);
  for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, data[i + c] + Math.round((rand() - 0.5) * 60)));
  const matte = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = y * width + x;
    if (head.hair[i]) { matte[i] = 255; continue; }
    let best = 99;
    for (let dy = -4; dy <= 4; dy++) for (let dx = -4; dx <= 4; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < height && xx >= 0 && xx < width && head.hair[yy * width + xx]) best = Math.min(best, Math.max(Math.abs(dx), Math.abs(dy)));
    }
    matte[i] = best <= 4 ? Math.round(255 * (1 - best / 5)) : (rand() < 0.02 ? Math.floor(rand() * 256) : 0);
  }
  return { width, height, data: Array.from(data), matte: Array.from(matte) };
}

const LOOKS = [
  { color: '#8b2252', colorEnd: '#8b2252', mode: 'solid', strength: 0.8 },
  { color: '#3b1f14', colorEnd: '#3b1f14', mode: 'solid', strength: 1 },
  { color: '#e4dccb', colorEnd: '#e4dccb', mode: 'solid', strength: 0.6 },
  { color: '#3b1f14', colorEnd: '#c9a16b', mode: 'ombre', strength: 0.9 },
  { color: '#c9a16b', colorEnd: '#c9a16b', mode: 'highlights', strength: 0.8 },
  { color: '#1d2b5a', colorEnd: '#1d2b5a', mode: 'solid', strength: 0.3 },
];

test('WebGL2 recolour matches the C++ recolour within 2/255 per channel', { skip }, async (t) => {
  const results = await page.evaluate(async ({ image, looks }) => {
    const { HairMatte } = await import('/bindings/js/index.mjs');
    const { TryOnRenderer } = await import('/web/renderer/tryon-renderer.mjs');
    const hm = await HairMatte.create({ model: { random: 'hairmattenet' }, threads: 1 });
    const { width, height } = image;
    const frame = { data: new Uint8Array(image.data), width, height };
    const matte = { data: new Uint8Array(image.matte), width, height };
    const renderer = new TryOnRenderer(document.getElementById('c'));
    renderer.setFrame(frame, matte);
    const out = [];
    for (const look of looks) {
      const cpu = hm.recolor(frame, look, matte);
      renderer.render(look, 0);
      const gpu = renderer.readPixels().data;
      let worst = 0, worstAt = -1, changed = 0;
      for (let i = 0; i < gpu.length; i++) {
        if (i % 4 === 3) continue;
        const d = Math.abs(gpu[i] - cpu.data[i]);
        if (d > worst) { worst = d; worstAt = i; }
        if (cpu.data[i] !== frame.data[i]) changed++;
      }
      out.push({ look, worst, at: worstAt, gpu: Array.from(gpu.subarray(worstAt - worstAt % 4, worstAt - worstAt % 4 + 3)),
        cpu: Array.from(cpu.data.subarray(worstAt - worstAt % 4, worstAt - worstAt % 4 + 3)), changed });
    }
    hm.dispose();
    return out;
  }, { image: testImage(), looks: LOOKS });
  t.diagnostic(results.map((r) => `${r.look.mode} ${r.look.color}: max |GPU - C++| = ${r.worst}/255`).join('; '));
  for (const r of results) {
    assert.ok(r.changed > 1000, `${JSON.stringify(r.look)}: the C++ recolour must change the hair`);
    assert.ok(r.worst <= 2, `${JSON.stringify(r.look)}: GPU and C++ differ by ${r.worst}/255 at byte ${r.at} (GPU ${r.gpu}, C++ ${r.cpu})`);
  }
});
