// A model given by URL relative to the page (the widget's `model` attribute) is fetched from the page's
// folder, not from the engine worker's: the file here is a random-weight .hmm written by the test from
// docs/model-format.md (alpha 0.25, depth 16), so info must report exactly that architecture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { engineSkipReason } from './helpers/engine.mjs';
import { randomModelBytes } from './helpers/random-model.mjs';
import { drawSyntheticHead } from './helpers/synthetic-head.mjs';
import { encodePng } from './helpers/png.mjs';

const skip = (await browserSkipReason()) || engineSkipReason();
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module" src="/web/widget.mjs"></script>
<hair-tryon id="w" model="models/tiny.hmm"></hair-tryon>
<script>window.events = []; document.getElementById('w').addEventListener('error', (e) => events.push(e.detail));</script>`;
let server, browser;

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: {
    '/shop/widget.html': PAGE,
    '/shop/models/tiny.hmm': randomModelBytes({ arch: 'hairsegnet', widthPermille: 250, depth: 16, seed: 3 }),
  } });
  browser = await launchChromium();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('widget: a page-relative model URL loads that model file', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/shop/widget.html`);
  await page.waitForFunction(() => customElements.get('hair-tryon'));
  const head = drawSyntheticHead(160, 120);
  await page.locator('hair-tryon input[type=file]').setInputFiles({ name: 'p.png', mimeType: 'image/png', buffer: encodePng(head.data, 160, 120) });
  await page.waitForFunction(() => document.getElementById('w').stats.frames >= 1 || window.events.length, null, { timeout: 30000 });
  assert.deepEqual(await page.evaluate(() => window.events), []);
  const info = await page.evaluate(() => document.getElementById('w').info);
  assert.equal(info.model, 'hairsegnet');
  assert.equal(info.widthPermille, 250);
  assert.equal(info.decoderDepth, 16);
  await page.close();
});
