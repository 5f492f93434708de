// <hair-tryon> without a working engine path: each failure (camera refused, no WebGL2, model failed to
// load) shows the shopper's message inside the element (never the technical text) and fires `error` once
// with the right kind and the technical detail; the swatches are a keyboard-operable, labelled radio group
// that fires `colorchange`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { MESSAGES } from '../../web/widget/messages.mjs';

const skip = await browserSkipReason();
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module" src="/web/widget.mjs"></script>
<hair-tryon id="w" colors="Espresso #3b1f14, Burgundy #8b2252, #c9a16b" model="/missing-model.hmm"></hair-tryon>
<script>
  window.events = [];
  document.getElementById('w').addEventListener('error', (e) => events.push({ type: 'error', ...e.detail }));
  document.getElementById('w').addEventListener('colorchange', (e) => events.push({ type: 'colorchange', ...e.detail }));
</script>`;
let server;

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: { '/widget.html': PAGE } });
});
after(async () => { if (server) await server.close(); });

// Opens the widget page in a fresh browser, clicks the start button, waits for the first error event.
async function clickAndGetError(launchOptions, { noWebGL2 = false } = {}) {
  const browser = await launchChromium(launchOptions);
  try {
    const page = await browser.context.newPage();
    if (noWebGL2) {
      await page.addInitScript(() => {
        const original = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
          return type === 'webgl2' ? null : original.call(this, type, ...rest);
        };
      });
    }
    await page.goto(`${server.origin}/widget.html`);
    await page.waitForFunction(() => customElements.get('hair-tryon'));
    await page.locator('hair-tryon .start').click();
    await page.waitForFunction(() => window.events.some((e) => e.type === 'error'), null, { timeout: 20000 });
    await page.waitForTimeout(500);  // a second event for the same failure would arrive by now
    const errors = await page.evaluate(() => window.events.filter((e) => e.type === 'error'));
    assert.equal(errors.length, 1, `one failure, one error event: ${JSON.stringify(errors)}`);
    const error = errors[0];
    const shown = await page.locator('hair-tryon .message').textContent();
    const visible = await page.locator('hair-tryon .message').isVisible();
    return { error, shown, visible };
  } finally {
    await browser.close();
  }
}

test('widget: camera refused -> visible message and error event (kind camera)', { skip }, async () => {
  const { error, shown, visible } = await clickAndGetError({ camera: { refuse: true } });
  assert.equal(error.kind, 'camera');
  assert.equal(error.reason, 'refused');
  assert.match(error.message, /Camera access was refused/);
  assert.equal(shown, MESSAGES.en['camera-refused']);
  assert.ok(visible, 'the message must be visible in the element');
});

test('widget: no WebGL2 -> visible message and error event (kind webgl)', { skip }, async () => {
  const { error, shown, visible } = await clickAndGetError({ camera: {} }, { noWebGL2: true });
  assert.equal(error.kind, 'webgl');
  assert.match(error.message, /WebGL2 is not available/);
  assert.equal(shown, MESSAGES.en.webgl);
  assert.ok(visible);
});

test('widget: model that cannot be loaded -> visible message and error event (kind model)', { skip }, async () => {
  const { error, shown, visible } = await clickAndGetError({ camera: {} });
  assert.equal(error.kind, 'model');
  assert.match(error.message, /model failed to load: .*missing-model\.hmm: HTTP 404/);
  assert.equal(shown, MESSAGES.en.model, 'the shopper sees no URL or HTTP status');
  assert.ok(visible);
});

test('widget: swatches are labelled radios operable with the keyboard', { skip }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/widget.html`);
    await page.waitForFunction(() => customElements.get('hair-tryon'));
    const radios = page.locator('hair-tryon [role=radio]');
    assert.equal(await radios.count(), 3);
    assert.deepEqual(await radios.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
      ['Espresso (#3b1f14)', 'Burgundy (#8b2252)', 'Colour #c9a16b']);
    assert.deepEqual(await radios.evaluateAll((els) => els.map((e) => e.tabIndex)), [0, -1, -1], 'one Tab stop');
    await radios.first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');  // wraps around to the first
    await page.keyboard.press('ArrowLeft');   // and back to the last
    const events = await page.evaluate(() => window.events);
    assert.deepEqual(events.map((e) => e.color), ['#8b2252', '#c9a16b', '#3b1f14', '#c9a16b']);
    assert.deepEqual(await radios.evaluateAll((els) => els.map((e) => e.getAttribute('aria-checked'))),
      ['false', 'false', 'true']);
    assert.equal(await page.evaluate(() => document.getElementById('w').color), '#c9a16b');
    assert.equal(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.dataset.color), '#c9a16b');
  } finally {
    await browser.close();
  }
});
