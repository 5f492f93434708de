// <hair-tryon> live, with Chromium's fake camera playing a real portrait (the repository's astronaut photo,
// so it runs on a fresh clone) and the trained model: the click shows loading progress then goes live;
// the before/after split draws the original frame left of the divider (pixels compared with the frame the
// engine saw) and follows the keyboard and the pointer; a lost WebGL context is rebuilt (frames render
// again), or reported once when it does not come back; a camera track that ends shows a message with a
// working restart; stop/start camera; upload then back to the camera; a hint when no hair is found; and
// the shop page in a 390x844 phone viewport (screenshot in test-artifacts/browser/, looked at for the docs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserSkipReason, launchChromium, recordConsole, artifactPath, ARTIFACTS_DIR } from './helpers/browser.mjs';
import { makeCameraClip } from './helpers/camera-clip.mjs';
import { writeY4m } from '../../scripts/y4m.mjs';
import { encodePng } from './helpers/png.mjs';
import { engineSkipReason, trainedModelSkipReason } from './helpers/engine.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { widgetPage, RECORD_EVENTS } from './helpers/widget-page.mjs';
import { MESSAGES } from '../../web/widget/messages.mjs';

const skip = (await browserSkipReason()) || engineSkipReason() || trainedModelSkipReason();
const PAGES = {
  '/live.html': widgetPage('hint-delay="1500" colors="Espresso #3b1f14, Burgundy #8b2252"'),
};
let server, browser, clip;

before(async () => {
  if (skip) return;
  // Its own folder: other test files write camera-640x480.y4m clips of other pictures at the same time.
  clip = await makeCameraClip(path.join(ARTIFACTS_DIR, 'clips', 'repo-portrait'), { prefer: 'repo-portrait', frames: 4 });
  server = await startStaticServer({ extra: Object.fromEntries(Object.entries(PAGES).map(([k, v]) => [k, Buffer.from(v)])) });
  browser = await launchChromium({ camera: { y4m: clip.file } });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

const frames = (page) => page.evaluate(() => document.getElementById('w').stats.frames);
async function moreFrames(page, count = 2, timeout = 60000) {
  const start = await frames(page);
  await page.waitForFunction((n) => document.getElementById('w').stats.frames >= n, start + count, { timeout });
}

// Opens the live page and clicks the start button; resolves once frames are being drawn.
async function goLive(name = '/live.html') {
  const page = await browser.context.newPage();
  const lines = recordConsole(page);
  await page.addInitScript(RECORD_EVENTS);
  await page.goto(`${server.origin}${name}`);
  await page.waitForFunction(() => customElements.get('hair-tryon'));
  await page.locator('hair-tryon .start').click();
  await page.waitForFunction(() => document.getElementById('w').stats.frames >= 2 ||
    window.events.some((e) => e.type === 'error'), null, { timeout: 90000 });
  const errors = await page.evaluate(() => window.events.filter((e) => e.type === 'error'));
  assert.deepEqual(errors, [], lines.join('\n'));
  return { page, lines };
}

// In the page: how many pixels of the drawn canvas differ from the engine's frame, left and right of
// column `edge`, and among hair pixels (matte >= 200) right of it.
const COMPARE_PIXELS = (edge) => {
  const session = document.getElementById('w').session;
  session.renderer.render(session.look, session.split);
  const out = session.renderer.readPixels();
  const { frame: rgba, matte } = session.renderer.last;  // the frame and matte drawn
  const r = { width: out.width, leftDiffer: 0, leftHair: 0, rightHair: 0, rightHairChanged: 0 };
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const i = y * out.width + x, p = i * 4;
      const differs = Math.abs(out.data[p] - rgba.data[p]) + Math.abs(out.data[p + 1] - rgba.data[p + 1]) +
        Math.abs(out.data[p + 2] - rgba.data[p + 2]) > 0;
      if (x < edge - 1) { if (differs) r.leftDiffer++; if (matte.data[i] >= 200) r.leftHair++; }
      if (x > edge + 1 && matte.data[i] >= 200) { r.rightHair++; if (differs) r.rightHairChanged++; }
    }
  }
  return r;
};

test('widget live: loading shows progress, then ready; before/after split draws the original left of the divider', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(RECORD_EVENTS);
  await page.goto(`${server.origin}/live.html`);
  await page.waitForFunction(() => customElements.get('hair-tryon'));
  // What the shopper sees at the first progress event (read in the page: loading may be quick).
  await page.evaluate(() => document.getElementById('w').addEventListener('progress', (e) => {
    const loading = e.target.shadowRoot.querySelector('.loading');
    window.firstProgress ??= { overlay: !loading.hidden && loading.getBoundingClientRect().height > 0,
      start: !e.target.shadowRoot.querySelector('.start').hidden, text: loading.textContent };
  }));
  await page.locator('hair-tryon .start').click();
  await page.waitForFunction(() => document.getElementById('w').stats.frames >= 2, null, { timeout: 90000 });
  const first = await page.evaluate(() => window.firstProgress);
  assert.deepEqual({ overlay: first.overlay, start: first.start }, { overlay: true, start: false }, 'the loading overlay replaces the start button');
  assert.match(first.text, /^Loading the try-on… \d+%$/);
  const types = await page.evaluate(() => window.events.map((e) => e.type));
  assert.ok(types.indexOf('progress') === 0 && types.lastIndexOf('progress') < types.indexOf('ready'), types.join(','));
  assert.equal(await page.locator('hair-tryon .loading').isVisible(), false);
  assert.equal(await page.locator('hair-tryon .camera').textContent(), MESSAGES.en.stopCamera);

  // Off by default: everything recoloured.
  assert.equal(await page.locator('hair-tryon .compare').isVisible(), false);
  let r = await page.evaluate(COMPARE_PIXELS, 0);
  assert.ok(r.rightHair > 1000, `the trained model finds hair in the portrait (${r.rightHair} px)`);
  assert.ok(r.rightHairChanged > 0.9 * r.rightHair, `hair is recoloured (${r.rightHairChanged}/${r.rightHair})`);

  await page.evaluate(() => { document.getElementById('w').compare = true; });
  assert.ok(await page.locator('hair-tryon .compare').isVisible());
  const handle = page.locator('hair-tryon .divider');
  assert.equal(await handle.getAttribute('role'), 'slider');
  assert.equal(await handle.getAttribute('aria-valuenow'), '50');
  r = await page.evaluate(COMPARE_PIXELS, clip.width / 2);
  assert.equal(r.leftDiffer, 0, 'left of the divider: the original frame, pixel for pixel');
  assert.ok(r.leftHair > 100, `there is hair on the left to compare (${r.leftHair} px)`);
  assert.ok(r.rightHairChanged > 0.9 * r.rightHair, `right of it: recoloured (${r.rightHairChanged}/${r.rightHair})`);

  // Keyboard: End puts the whole frame in "before".
  await handle.focus();
  await page.keyboard.press('End');
  assert.equal(await handle.getAttribute('aria-valuenow'), '100');
  r = await page.evaluate(COMPARE_PIXELS, clip.width);
  assert.equal(r.leftDiffer, 0);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.getElementById('w').compareSplit), 0.05);
  // Pointer: a press at a quarter of the drawn picture puts the divider there (and the handle under it).
  const box = await page.locator('hair-tryon canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.up();
  const split = await page.evaluate(() => document.getElementById('w').compareSplit);
  assert.ok(Math.abs(split - 0.3) < 0.01, `split after the drag: ${split}`);
  const handleBox = await handle.boundingBox();
  assert.ok(Math.abs(handleBox.x - (box.x + box.width * 0.3)) < 3, 'the handle is drawn at the split');
  r = await page.evaluate(COMPARE_PIXELS, Math.round(clip.width * split));
  assert.equal(r.leftDiffer, 0);
  // After a short while with hair in view, no "no hair" hint.
  await page.waitForTimeout(2000);
  assert.equal(await page.locator('hair-tryon .hint').isVisible(), false);
  await page.screenshot({ path: artifactPath('widget-compare.png') });
  await page.close();
});

// The drawn canvas through snapshot(): not blank (many distinct colours, as a photo has).
const CANVAS_COLOURS = async () => {
  const bitmap = await createImageBitmap(await document.getElementById('w').snapshot());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return colours.size;
};

test('widget live: loseContext() then restoreContext() -> programs and textures rebuilt, frames render again', { skip }, async () => {
  const { page } = await goLive();
  await page.evaluate(() => {
    window.loseExt = document.getElementById('w').shadowRoot.querySelector('canvas').getContext('webgl2').getExtension('WEBGL_lose_context');
    window.loseExt.loseContext();
  });
  await page.waitForFunction(() => document.getElementById('w').session.renderer.lost);
  await page.waitForTimeout(300);
  await page.evaluate(() => window.loseExt.restoreContext());
  await page.waitForFunction(() => !document.getElementById('w').session.renderer.lost);
  await moreFrames(page, 3);
  const colours = await page.evaluate(CANVAS_COLOURS);
  assert.ok(colours > 200, `the canvas shows the picture again (${colours} distinct colours sampled)`);
  const r = await page.evaluate(COMPARE_PIXELS, 0);
  assert.ok(r.rightHairChanged > 0.9 * r.rightHair, 'and recolours it with the rebuilt program');
  await page.waitForTimeout(3500);  // past the restore deadline: no late error
  assert.deepEqual(await page.evaluate(() => window.events.filter((e) => e.type === 'error')), []);
  assert.equal(await page.locator('hair-tryon .notice').isVisible(), false);
  await page.close();
});

test('widget live: a context that does not come back -> shopper message and one webgl-lost error', { skip }, async () => {
  const { page } = await goLive();
  await page.evaluate(() => document.getElementById('w').shadowRoot.querySelector('canvas')
    .getContext('webgl2').getExtension('WEBGL_lose_context').loseContext());
  await page.waitForFunction(() => window.events.some((e) => e.type === 'error'), null, { timeout: 10000 });
  await page.waitForTimeout(1500);  // frames keep coming: still one event
  const errors = await page.evaluate(() => window.events.filter((e) => e.type === 'error'));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].kind, 'webgl-lost');
  assert.equal(await page.locator('hair-tryon .message').textContent(), MESSAGES.en['webgl-lost']);
  await page.close();
});

test('widget live: track.stop() -> message with a restart button that brings the camera back', { skip }, async () => {
  const { page } = await goLive();
  await page.evaluate(() => document.getElementById('w').session.stream.getVideoTracks()[0].stop());
  await page.waitForFunction(() => window.events.some((e) => e.type === 'error'), null, { timeout: 10000 });
  const errors = await page.evaluate(() => window.events.filter((e) => e.type === 'error'));
  assert.deepEqual(errors.map((e) => e.kind), ['camera-ended']);
  assert.equal(await page.locator('hair-tryon .message').textContent(), MESSAGES.en['camera-ended']);
  const restart = page.locator('hair-tryon .action');
  assert.equal(await restart.textContent(), MESSAGES.en.restartCamera);
  const stalled = await frames(page);
  await page.waitForTimeout(800);
  assert.equal(await frames(page), stalled, 'no frames while the camera is gone');
  assert.ok(await page.evaluate(CANVAS_COLOURS) > 200, 'the last picture stays (not the black of a stopped track)');
  await restart.click();
  await moreFrames(page, 3);
  assert.equal(await page.locator('hair-tryon .notice').isVisible(), false, 'the message goes away');
  assert.ok(await page.evaluate(() => document.getElementById('w').session.cameraActive));
  assert.equal((await page.evaluate(() => window.events.filter((e) => e.type === 'error'))).length, 1);
  await page.close();
});

test('widget live: stop camera, upload a photo, then back to the camera', { skip }, async () => {
  const { page } = await goLive();
  const button = page.locator('hair-tryon .camera');
  await button.click();  // stop
  assert.equal(await button.textContent(), MESSAGES.en.startCamera);
  assert.equal(await page.evaluate(() => document.getElementById('w').session.cameraActive), false);
  const stopped = await frames(page);
  await page.waitForTimeout(800);
  assert.equal(await frames(page), stopped, 'no frames after stop');
  await button.click();  // start again
  await moreFrames(page, 2);

  // A photo (the clip's own picture, flipped left-right so it is told apart from a camera frame).
  const flipped = new Uint8Array(clip.rgba.length);
  for (let y = 0; y < clip.height; y++) {
    for (let x = 0; x < clip.width; x++) {
      flipped.set(clip.rgba.subarray((y * clip.width + x) * 4, (y * clip.width + x) * 4 + 4), (y * clip.width + clip.width - 1 - x) * 4);
    }
  }
  await page.locator('hair-tryon input[type=file]').setInputFiles({ name: 'me.png', mimeType: 'image/png',
    buffer: encodePng(flipped, clip.width, clip.height) });
  await page.waitForFunction(() => document.getElementById('w').view === 'photo', null, { timeout: 60000 });
  assert.equal(await button.textContent(), MESSAGES.en.backToCamera);
  assert.equal(await page.evaluate(() => document.getElementById('w').session.cameraActive), false);
  const shown = await page.evaluate(() => Array.from(document.getElementById('w').session.renderer.last.frame.data.subarray(0, 16)));
  assert.deepEqual(shown, Array.from(flipped.subarray(0, 16)), 'the photo is what is shown');
  await button.click();  // back to camera
  await moreFrames(page, 3);
  assert.ok(await page.evaluate(() => document.getElementById('w').session.cameraActive));
  assert.equal(await button.textContent(), MESSAGES.en.stopCamera);
  assert.deepEqual(await page.evaluate(() => window.events.filter((e) => e.type === 'error')), []);
  await page.close();
});

test('widget live: no hair in view for a while -> a gentle hint (and none while hair is seen)', { skip }, async () => {
  // A second camera: an empty wall (flat grey with a soft gradient), no person.
  const rgba = new Uint8Array(320 * 240 * 4);
  for (let i = 0; i < 320 * 240; i++) rgba.set([150 + (i % 320) / 8, 150, 145, 255], i * 4);
  const wall = writeY4m(path.join(ARTIFACTS_DIR, 'clips', 'wall-320x240.y4m'), 320, 240, [rgba, rgba]);
  const wallBrowser = await launchChromium({ camera: { y4m: wall } });
  try {
    const page = await wallBrowser.context.newPage();
    await page.addInitScript(RECORD_EVENTS);
    await page.goto(`${server.origin}/live.html`);
    await page.waitForFunction(() => customElements.get('hair-tryon'));
    await page.locator('hair-tryon .start').click();
    await page.waitForFunction(() => document.getElementById('w').stats.frames >= 1, null, { timeout: 90000 });
    const found = await page.evaluate(() => document.getElementById('w').session.renderer.hairStats.found);
    assert.equal(found, false, 'the model finds no hair on a wall');
    await page.waitForFunction(() => !document.getElementById('w').shadowRoot.querySelector('.hint').hidden, null, { timeout: 20000 });
    assert.equal(await page.locator('hair-tryon .hint').textContent(), MESSAGES.en.noHair);
    assert.deepEqual(await page.evaluate(() => window.events.filter((e) => e.type === 'error')), [], 'a hint, not an error');
    // The hint fades in, unless the shopper asked for reduced motion.
    const animation = () => page.evaluate(() => getComputedStyle(document.getElementById('w').shadowRoot.querySelector('.hint')).animationName);
    assert.equal(await animation(), 'hair-tryon-fade-in');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    assert.equal(await animation(), 'none');
  } finally {
    await wallBrowser.close();
  }
});

test('widget live: the shop page in a 390x844 phone viewport: portrait picture, nothing wider than the screen', { skip }, async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.addInitScript(RECORD_EVENTS);
  await page.goto(`${server.origin}/web/example/`);
  await page.waitForFunction(() => customElements.get('hair-tryon'));
  await page.locator('hair-tryon .start').click();
  await page.waitForFunction(() => document.querySelector('hair-tryon').stats.frames >= 3, null, { timeout: 90000 });
  await page.locator('hair-tryon [role=radio]').nth(1).click();
  await page.waitForTimeout(500);
  const layout = await page.evaluate(() => {
    const frame = document.querySelector('hair-tryon').shadowRoot.querySelector('.frame').getBoundingClientRect();
    return { frameWidth: frame.width, frameHeight: frame.height, scrollWidth: document.documentElement.scrollWidth };
  });
  assert.ok(layout.frameHeight > layout.frameWidth, `portrait picture on a phone (${layout.frameWidth}x${layout.frameHeight})`);
  assert.ok(layout.scrollWidth <= 390, `no sideways scrolling (page is ${layout.scrollWidth} px wide)`);
  assert.equal(await page.locator('#status').textContent(), 'Try-on ready.', 'the shop page heard `ready`');
  assert.equal(await page.locator('#shade').textContent(), 'Burgundy', 'and `shadechange`');
  await page.locator('hair-tryon .choose').click();
  assert.equal(await page.locator('#cart').textContent(), 'Cart (1)', 'and `select`');
  await page.locator('hair-tryon').scrollIntoViewIfNeeded();
  await page.screenshot({ path: artifactPath('widget-phone-390x844.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: artifactPath('widget-desktop-1280x900.png') });
  await page.close();
});
