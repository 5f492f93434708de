// The hair-dye shop example (/example/) embeds <hair-tryon> with one script tag and one element. It must
// work without cross-origin isolation (one thread) and with it (threads), from a click: camera -> live
// try-on with stats, snapshot() as a PNG, colorchange on a swatch click. Uses the trained model when it
// exists, else random weights (the element's `model` attribute), since this checks the plumbing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserSkipReason, launchChromium, recordConsole, artifactPath, ARTIFACTS_DIR } from './helpers/browser.mjs';
import { makeCameraClip } from './helpers/camera-clip.mjs';
import { engineSkipReason, trainedModelSkipReason } from './helpers/engine.mjs';
import { startProjectServer } from './helpers/project-server.mjs';

const skip = (await browserSkipReason()) || engineSkipReason();
const model = trainedModelSkipReason() ? 'random:hairmattenet' : 'hairmattenet';
let clip;

before(async () => {
  if (skip) return;
  clip = await makeCameraClip(path.join(ARTIFACTS_DIR, 'clips'), { prefer: 'portrait' });
});

async function runExample({ isolated }, t) {
  const server = await startProjectServer({ isolated });
  if (!server.real) t.diagnostic('scripts/serve.mjs is absent: ran against the static test fixture');
  const browser = await launchChromium({ camera: { y4m: clip.file } });
  try {
    const page = await browser.context.newPage();
    const lines = recordConsole(page);
    await page.goto(`${server.origin}${server.examplePath}`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), isolated, 'server isolation headers');
    // One script tag and one element, as documented.
    assert.equal(await page.locator('script[src]').count(), 1);
    assert.equal(await page.locator('hair-tryon').count(), 1);
    await page.waitForFunction(() => customElements.get('hair-tryon'));
    await page.evaluate((m) => {
      const el = document.querySelector('hair-tryon');
      el.setAttribute('model', m);
      window.events = [];
      for (const type of ['error', 'colorchange']) el.addEventListener(type, (e) => events.push({ type, ...e.detail }));
    }, model);
    await page.locator('hair-tryon .start').click();
    await page.waitForFunction(() => document.querySelector('hair-tryon').stats.frames >= 3 ||
      window.events.some((e) => e.type === 'error'), null, { timeout: 60000 });
    const errors = await page.evaluate(() => window.events.filter((e) => e.type === 'error'));
    assert.deepEqual(errors, [], `the widget reported errors; console:\n${lines.join('\n')}`);
    const first = await page.evaluate(() => document.querySelector('hair-tryon').stats);
    await page.waitForTimeout(1500);
    const later = await page.evaluate(() => document.querySelector('hair-tryon').stats);
    assert.ok(later.frames > first.frames, `stats.frames must increase (${first.frames} -> ${later.frames})`);
    assert.deepEqual(Object.keys(later).sort(), ['fps', 'frames', 'msPerFrame']);
    const info = await page.evaluate(() => document.querySelector('hair-tryon').info);
    if (isolated) assert.ok(info.threads > 1, `threads must be used when isolated (got ${info.threads})`);
    else assert.equal(info.threads, 1, 'one thread without cross-origin isolation');

    await page.locator('hair-tryon [role=radio]').nth(2).click();
    const changes = await page.evaluate(() => window.events.filter((e) => e.type === 'colorchange').map((e) => e.color));
    assert.deepEqual(changes, ['#c9a16b']);
    const png = await page.evaluate(async () => {
      const blob = await document.querySelector('hair-tryon').snapshot();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const bitmap = await createImageBitmap(blob);
      return { type: blob.type, magic: Array.from(bytes.subarray(0, 4)), width: bitmap.width, height: bitmap.height, size: bytes.length };
    });
    assert.equal(png.type, 'image/png');
    assert.deepEqual(png.magic, [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual([png.width, png.height], [clip.width, clip.height]);
    await page.screenshot({ path: artifactPath(`example-${isolated ? 'isolated' : 'not-isolated'}.png`), fullPage: true });
    return { info, stats: later };
  } finally {
    await browser.close();
    await server.close();
  }
}

test('example page without COOP/COEP: one thread, live try-on, snapshot, colorchange', { skip }, async (t) => {
  await runExample({ isolated: false }, t);
});

test('example page with COOP/COEP: threads, live try-on, snapshot, colorchange', { skip }, async (t) => {
  await runExample({ isolated: true }, t);
});
