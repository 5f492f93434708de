// When the camera is refused, the demo and the widget say so (and the widget fires `error`), and a photo
// upload still gives a recoloured picture at the photo's resolution.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium, recordConsole, artifactPath } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { engineSkipReason, PAGE_METRICS } from './helpers/engine.mjs';
import { drawSyntheticHead } from './helpers/synthetic-head.mjs';
import { encodePng } from './helpers/png.mjs';

const skip = (await browserSkipReason()) || engineSkipReason();
const WIDGET_PAGE = `<!doctype html><meta charset="utf-8"><script type="module" src="/web/widget.mjs"></script>
<hair-tryon id="w" colors="#3b1f14,#8b2252,#c9a16b" model="random:hairmattenet"></hair-tryon>
<script>window.events = []; document.getElementById('w').addEventListener('error', (e) => events.push(e.detail));</script>`;
const head = drawSyntheticHead(320, 240);
const photo = { name: 'portrait.png', mimeType: 'image/png', buffer: encodePng(head.data, 320, 240) };
let server, browser;

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: { '/widget.html': WIDGET_PAGE } });
  browser = await launchChromium({ camera: { refuse: true } });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('demo: camera refused -> message; an uploaded photo is shown recoloured', { skip }, async () => {
  const page = await browser.context.newPage();
  recordConsole(page);
  await page.addInitScript(PAGE_METRICS);
  await page.goto(`${server.origin}/web/index.html?model=random:hairmattenet&refine=none`);
  await page.evaluate(() => window.hmDemo.ready);
  await page.waitForFunction(() => /refused/.test(document.getElementById('message').textContent));
  assert.ok(await page.locator('#message.error').isVisible());
  await page.locator('#photo').setInputFiles(photo);
  await page.waitForFunction(() => window.hmDemo.session.stats.frames >= 1);
  const size = await page.evaluate(() => [document.getElementById('view').width, document.getElementById('view').height]);
  assert.deepEqual(size, [320, 240], 'the canvas takes the photo resolution');
  const m = await page.evaluate(() => window.hmMetrics(window.hmDemo.session, {}));
  assert.equal(m.maxDiffMatteZero, 0);
  // The pixels the engine saw are the photo's (PNG is lossless; the browser decodes it exactly).
  const same = await page.evaluate(() => Array.from(window.hmDemo.session.renderer.last.frame.data.subarray(0, 4 * 320)));
  assert.deepEqual(same, Array.from(head.data.subarray(0, 4 * 320)));
  assert.equal(await page.locator('#message').textContent(), '', 'a successful upload clears the error');
  await page.screenshot({ path: artifactPath('demo-photo-upload.png') });
  await page.close();
});

test('widget: camera refused -> error event + message; photo upload still works', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/widget.html`);
  await page.waitForFunction(() => customElements.get('hair-tryon'));
  await page.locator('hair-tryon .start').click();
  await page.waitForFunction(() => window.events.length > 0);
  const events = await page.evaluate(() => window.events);
  assert.equal(events[0].kind, 'camera');
  assert.match(await page.locator('hair-tryon .message').textContent(), /refused/);
  await page.locator('hair-tryon input[type=file]').setInputFiles(photo);
  await page.waitForFunction(() => document.getElementById('w').stats.frames >= 1, null, { timeout: 60000 });
  assert.equal(await page.locator('hair-tryon .message').textContent(), '', 'the message is cleared by a successful upload');
  const png = await page.evaluate(async () => (await document.getElementById('w').snapshot()).type);
  assert.equal(png, 'image/png');
  await page.close();
});
