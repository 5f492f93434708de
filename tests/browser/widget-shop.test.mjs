// <hair-tryon> as a shop embeds it, without a camera: loading progress then ready (and `preload` fetching
// before any click), products from child elements and from the `products` property with shadechange and
// select events carrying the product, the old `colors` attribute, and every visible word replaceable
// (a German `messages` set, the built-in `lang="de"`, shopper messages without technical text).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserSkipReason, launchChromium, recordConsole, REPO_ROOT } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { engineSkipReason } from './helpers/engine.mjs';
import { widgetPage, RECORD_EVENTS } from './helpers/widget-page.mjs';
import { BUNDLED_MODELS, PAGE_MODEL_INDEX } from '../../bindings/js/constants.mjs';

// The widget loads the page model (the int8 HairMatteNet) when the page names none.
const PAGE_MODEL_FILE = `dist/models/${BUNDLED_MODELS[PAGE_MODEL_INDEX]}.hmm`;
const skip = (await browserSkipReason()) || engineSkipReason() ||
  (fs.existsSync(path.join(REPO_ROOT, PAGE_MODEL_FILE)) ? false : `${PAGE_MODEL_FILE} is missing: run npm run build`);

const PRODUCTS_HTML = `
  <hair-product name="Gloss Colour Mask" sku="GCM" price="€24.00" url="/p/gloss">
    <hair-shade name="Espresso" sku="GCM-01" color="#3b1f14"></hair-shade>
    <hair-shade name="Burgundy" sku="GCM-02" color="#8B2252"></hair-shade>
  </hair-product>
  <hair-product name="Sun Kissed Toner" sku="SKT" price="€19.50">
    <hair-shade name="Honey" sku="SKT-07" color="#c9a16b"></hair-shade>
  </hair-product>`;
const GERMAN = {
  startTitle: 'Farbe jetzt anprobieren', startNote: 'Mit Ihrer Kamera; das Bild verlässt dieses Gerät nicht',
  upload: 'Foto wählen', choose: 'In den Warenkorb', model: 'Das Laden hat nicht geklappt.',
};
const PAGES = {
  '/preload.html': widgetPage('preload'),
  '/products.html': widgetPage('', PRODUCTS_HTML),
  '/colors.html': widgetPage('colors="Espresso #3b1f14, #8b2252"'),
  '/german.html': widgetPage('model="/missing-model.hmm"', PRODUCTS_HTML),
  '/lang-de.html': widgetPage('lang="de" model="/missing-model.hmm"'),
};
let server, browser;

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: Object.fromEntries(Object.entries(PAGES).map(([k, v]) => [k, Buffer.from(v)])) });
  browser = await launchChromium({ camera: { refuse: true } });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function open(name) {
  const page = await browser.context.newPage();
  const lines = recordConsole(page);
  await page.addInitScript(RECORD_EVENTS);
  await page.goto(`${server.origin}${name}`);
  await page.waitForFunction(() => customElements.get('hair-tryon'));
  return { page, lines };
}

test('widget: preload fetches the model and wasm before any click: progress events, then ready', { skip }, async () => {
  const { page, lines } = await open('/preload.html');
  await page.waitForFunction(() => window.events.some((e) => e.type === 'ready' || e.type === 'error'), null, { timeout: 60000 });
  const events = await page.evaluate(() => window.events);
  assert.deepEqual(events.filter((e) => e.type === 'error'), [], lines.join('\n'));
  const types = events.map((e) => e.type);
  const progress = events.filter((e) => e.type === 'progress');
  assert.ok(progress.length >= 2, `progress events: ${progress.length}`);
  assert.equal(types.indexOf('ready'), types.length - 1, `ready comes last, once: ${types.join(',')}`);
  // The bytes are those of the two files the single-thread engine needs, measured here on disk.
  const expected = fs.statSync(path.join(REPO_ROOT, PAGE_MODEL_FILE)).size +
    fs.statSync(path.join(REPO_ROOT, 'dist/hairmatte-simd.wasm')).size;
  for (let i = 0; i < progress.length; i++) {
    assert.equal(progress[i].total, expected, 'the total is known from the first event on');
    assert.ok(progress[i].loaded <= progress[i].total);
    if (i) assert.ok(progress[i].loaded >= progress[i - 1].loaded, 'loaded never goes back');
    assert.equal(progress[i].busy, 'true', 'aria-busy while loading');
  }
  assert.equal(progress.at(-1).loaded, expected);
  assert.ok(progress[0].loaded < expected, 'a first event before the end');
  assert.equal(events.at(-1).busy, 'false', 'aria-busy cleared when ready');
  assert.equal(events.at(-1).info.model, 'hairmattenet');
  assert.equal(await page.evaluate(() => document.getElementById('w').getAttribute('aria-busy')), 'false');
  // Preloading asks for no camera: the start button is still there and nothing was refused.
  assert.ok(await page.locator('hair-tryon .start').isVisible());
  await page.close();
});

test('widget: products from child elements: names on screen, shadechange and select carry the product', { skip }, async () => {
  const { page } = await open('/products.html');
  const radios = page.locator('hair-tryon [role=radio]');
  assert.equal(await radios.count(), 3);
  assert.deepEqual(await radios.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
    ['Espresso, Gloss Colour Mask (#3b1f14)', 'Burgundy, Gloss Colour Mask (#8b2252)', 'Honey, Sun Kissed Toner (#c9a16b)']);
  assert.equal(await page.locator('hair-tryon .shade-name').textContent(), 'Espresso');
  assert.equal(await page.locator('hair-tryon .product-name').textContent(), 'Gloss Colour Mask');
  assert.equal(await page.locator('hair-tryon .price').textContent(), '€24.00');

  await radios.nth(2).click();
  assert.equal(await page.locator('hair-tryon .shade-name').textContent(), 'Honey');
  assert.equal(await page.locator('hair-tryon .product-name').textContent(), 'Sun Kissed Toner');
  assert.equal(await page.locator('hair-tryon .price').textContent(), '€19.50');
  await page.locator('hair-tryon .choose').click();
  const events = await page.evaluate(() => window.events);
  assert.deepEqual(events.map((e) => e.type), ['colorchange', 'shadechange', 'select']);
  const [, change, select] = events;
  assert.equal(change.color, '#c9a16b');
  assert.equal(change.fromUser, true);
  assert.deepEqual(change.shade, { name: 'Honey', sku: 'SKT-07', color: '#c9a16b' });
  assert.equal(change.product.sku, 'SKT');
  assert.equal(change.product.price, '€19.50');
  assert.deepEqual(change.product.shades.map((s) => s.sku), ['SKT-07']);
  assert.deepEqual([select.color, select.shade, select.product], [change.color, change.shade, change.product]);

  // Shades of a product added later appear; the element keeps the selected shade.
  await page.evaluate(() => {
    const shade = document.createElement('hair-shade');
    Object.entries({ name: 'Copper', sku: 'SKT-09', color: '#b4532a' }).forEach(([k, v]) => shade.setAttribute(k, v));
    document.querySelector('hair-product[sku=SKT]').append(shade);
  });
  await page.waitForFunction(() => document.getElementById('w').shadeList.length === 4);
  assert.equal(await page.evaluate(() => document.getElementById('w').shade.shade.sku), 'SKT-07');
  await page.close();
});

test('widget: the products property wins over children; a bad shade is an error event, the others stay', { skip }, async () => {
  const { page } = await open('/products.html');
  await page.evaluate(() => {
    document.getElementById('w').products = [
      { id: 7, name: 'Velvet Dye', price: 12, url: '/p/7', shades: [{ name: 'Plum', sku: 'V-1', color: '#5d2a4a' },
        { name: 'Typo', color: 'red' }] },
      { name: 'Blue Rinse', sku: 'BR', color: '#2a4b8d' },
    ];
  });
  const radios = page.locator('hair-tryon [role=radio]');
  assert.equal(await radios.count(), 2);
  await radios.nth(1).click();
  const events = await page.evaluate(() => window.events);
  const error = events.find((e) => e.type === 'error');
  assert.equal(error.kind, 'products');
  assert.match(error.message, /products\[0\]\.shades\[1\]: color must be #RRGGBB, got "red"/);
  assert.equal(await page.locator('hair-tryon .notice').isVisible(), false, 'a page mistake is not shown to shoppers');
  const change = events.find((e) => e.type === 'shadechange');
  assert.deepEqual(change.product, { name: 'Blue Rinse', sku: 'BR', color: '#2a4b8d' });
  await page.evaluate(() => { document.getElementById('w').products = null; });  // back to the children
  assert.equal(await radios.count(), 3);
  assert.equal(events.filter((e) => e.type === 'error').length, 1, 'fired once');
  await page.close();
});

test('widget: the colors attribute still works (shades without a product, no choose button)', { skip }, async () => {
  const { page } = await open('/colors.html');
  const radios = page.locator('hair-tryon [role=radio]');
  assert.deepEqual(await radios.evaluateAll((els) => els.map((e) => e.dataset.color)), ['#3b1f14', '#8b2252']);
  await radios.nth(1).click();
  const change = await page.evaluate(() => window.events.find((e) => e.type === 'shadechange'));
  assert.equal(change.product, null);
  assert.equal(change.shade.name, '#8b2252');
  assert.equal(await page.locator('hair-tryon .choose').isVisible(), false);
  await page.close();
});

test('widget: a German messages set replaces every visible word, failures included', { skip }, async () => {
  const { page } = await open('/german.html');
  await page.evaluate((german) => { document.getElementById('w').messages = german; }, GERMAN);
  assert.equal(await page.locator('hair-tryon .start strong').textContent(), GERMAN.startTitle);
  assert.equal(await page.locator('hair-tryon .start span').textContent(), GERMAN.startNote);
  assert.equal(await page.locator('hair-tryon .upload').textContent(), GERMAN.upload);
  assert.equal(await page.locator('hair-tryon .choose').textContent(), GERMAN.choose);
  // The camera is refused in this browser; the upload path reaches the (missing) model instead.
  await page.locator('hair-tryon input[type=file]').setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
  await page.waitForFunction(() => window.events.some((e) => e.type === 'error'), null, { timeout: 30000 });
  const error = await page.evaluate(() => window.events.find((e) => e.type === 'error'));
  assert.equal(error.kind, 'model');
  assert.equal(await page.locator('hair-tryon .message').textContent(), GERMAN.model);
  assert.equal(await page.locator('hair-tryon .action').textContent(), 'Try again', 'keys not given stay in the lang set');
  await page.close();
});

test('widget: lang="de" picks the built-in German words; technical detail only in the event', { skip }, async () => {
  const { page } = await open('/lang-de.html');
  assert.equal(await page.locator('hair-tryon .start strong').textContent(), 'Diese Farbe ausprobieren');
  assert.equal(await page.locator('hair-tryon .upload').textContent(), 'Foto hochladen');
  assert.equal(await page.locator('hair-tryon [role=radio]').first().getAttribute('aria-label'), 'Espresso (#3b1f14)');
  await page.locator('hair-tryon .start').click();
  await page.waitForFunction(() => window.events.some((e) => e.type === 'error'), null, { timeout: 30000 });
  const error = await page.evaluate(() => window.events.find((e) => e.type === 'error'));
  assert.equal(error.kind, 'camera');
  assert.equal(error.reason, 'refused');
  const shown = await page.locator('hair-tryon .message').textContent();
  assert.match(shown, /^Der Kamerazugriff wurde verweigert/);
  assert.doesNotMatch(shown, /NotAllowedError|getUserMedia/);
  await page.close();
});
