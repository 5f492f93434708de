// The WebGL2 try-on renderer in headless Chromium (SwiftShader): what must hold for any recolour formula.
// Pixels with matte 0 and the "before" side of the split are the frame's exact bytes; strength 0 leaves
// the frame unchanged; hair pixels change, and change differently for different colours and modes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium, recordConsole } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';

const skip = await browserSkipReason();
let browser, server, page, consoleLines;

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: { '/blank.html': '<!doctype html><canvas id="c"></canvas>' } });
  browser = await launchChromium();
  page = await browser.context.newPage();
  consoleLines = recordConsole(page);
  await page.goto(`${server.origin}/blank.html`);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

// Renders a deterministic 64x48 frame whose matte is 0 on the left third, 255 on the right third and a
// ramp in between; returns the frame, matte and outputs for each requested (look, split).
async function renderCases(cases) {
  return page.evaluate(async (cases) => {
    const { TryOnRenderer } = await import('/web/renderer/tryon-renderer.mjs');
    const width = 64, height = 48;
    const frame = new Uint8Array(width * height * 4);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    for (let i = 0; i < frame.length; i += 4) { frame[i] = rand(); frame[i + 1] = rand(); frame[i + 2] = rand(); frame[i + 3] = 255; }
    const matte = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      matte[y * width + x] = x < 21 ? 0 : x >= 43 ? 255 : Math.round(((x - 21) / 21) * 255);
    }
    const renderer = new TryOnRenderer(document.getElementById('c'));
    renderer.setFrame({ data: frame, width, height }, { data: matte, width, height });
    const outputs = cases.map(({ look, split }) => {
      renderer.render(look, split);
      return Array.from(renderer.readPixels().data);
    });
    return { width, height, frame: Array.from(frame), matte: Array.from(matte), outputs };
  }, cases);
}

const look = (over = {}) => ({ color: '#8b2252', colorEnd: '#c9a16b', mode: 'solid', strength: 0.8, ...over });

function maxDiff(a, b, pixels) {
  let worst = 0;
  for (const p of pixels) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a[p * 4 + c] - b[p * 4 + c]));
  return worst;
}

test('renderer: matte 0, split and strength 0 keep the frame; hair pixels change', { skip }, async () => {
  const r = await renderCases([
    { look: look(), split: 0 },
    { look: look(), split: 1 },
    { look: look(), split: 0.5 },
    { look: look({ strength: 0 }), split: 0 },
    { look: look({ color: '#3b1f14' }), split: 0 },
    { look: look({ mode: 'highlights' }), split: 0 },
  ]);
  const [solid, allBefore, half, noStrength, otherColor, highlights] = r.outputs;
  const all = [...Array(r.width * r.height).keys()];
  const noHair = all.filter((p) => r.matte[p] === 0);
  const hair = all.filter((p) => r.matte[p] === 255);
  const leftHalf = all.filter((p) => p % r.width < r.width / 2);
  const rightHalf = all.filter((p) => p % r.width >= r.width / 2);

  assert.equal(maxDiff(solid, r.frame, noHair), 0, 'pixels with matte 0 must keep the frame bytes');
  assert.equal(maxDiff(allBefore, r.frame, all), 0, 'split 1 must show the original frame');
  assert.equal(maxDiff(half, r.frame, leftHalf), 0, 'left of the split must show the original frame');
  assert.equal(maxDiff(half, solid, rightHalf), 0, 'right of the split must show the recoloured frame');
  assert.ok(maxDiff(noStrength, r.frame, all) <= 1, 'strength 0 must leave the frame unchanged');
  assert.ok(maxDiff(solid, r.frame, hair) > 20, 'hair pixels must change');
  assert.ok(maxDiff(otherColor, solid, hair) > 10, `another colour must give another result (max diff ${maxDiff(otherColor, solid, hair)}, vs frame ${maxDiff(solid, r.frame, hair)})`);
  assert.ok(maxDiff(highlights, solid, hair) > 0, 'highlights must differ from solid');
  for (let i = 3; i < solid.length; i += 4) assert.equal(solid[i], 255, 'output must be opaque');
  assert.deepEqual(consoleLines.filter((l) => l.includes('error')), []);
});

test('renderer: a matte of the wrong size is rejected with a clear message', { skip }, async () => {
  const message = await page.evaluate(async () => {
    const { TryOnRenderer } = await import('/web/renderer/tryon-renderer.mjs');
    const renderer = new TryOnRenderer(document.createElement('canvas'));
    try {
      renderer.setFrame({ data: new Uint8Array(8 * 8 * 4), width: 8, height: 8 }, { data: new Uint8Array(16), width: 4, height: 4 });
      return 'no error';
    } catch (e) { return e.message; }
  });
  assert.match(message, /matte is 4x4 but the frame is 8x8/);
});

// The frame loop waits on whenDrawn() before starting the next frame's network; it must resolve because the
// GPU finished (the fence signalled), well before its time-out, and must still resolve on a lost context.
test('renderer: whenDrawn() resolves on the fence, before its time-out, and after a lost context', { skip }, async () => {
  const r = await page.evaluate(async () => {
    const { TryOnRenderer } = await import('/web/renderer/tryon-renderer.mjs');
    const canvas = document.createElement('canvas');
    const renderer = new TryOnRenderer(canvas);
    const width = 640, height = 480;
    renderer.setFrame({ data: new Uint8Array(width * height * 4).fill(90), width, height },
      { data: new Uint8Array(width * height).fill(200), width, height });
    const waits = [];
    for (let i = 0; i < 5; i++) {
      renderer.render({ color: '#8b2252', mode: 'solid', strength: 0.8 }, 0);
      const t0 = performance.now();
      await renderer.whenDrawn(2000);
      waits.push(performance.now() - t0);
    }
    renderer.render({ color: '#8b2252', mode: 'solid', strength: 0.8 }, 0);
    const pixel = renderer.readPixels().data.slice(0, 4);
    renderer.gl.getExtension('WEBGL_lose_context').loseContext();
    const t1 = performance.now();
    await renderer.whenDrawn(2000);
    return { waits, lostWait: performance.now() - t1, pixel: Array.from(pixel) };
  });
  assert.ok(Math.max(...r.waits) < 1500, `whenDrawn must resolve on the fence, not the 2000 ms time-out: ${r.waits.map((w) => w.toFixed(1))}`);
  assert.notDeepEqual(r.pixel.slice(0, 3), [90, 90, 90], 'the draw before whenDrawn must have recoloured the frame');
  assert.ok(r.lostWait < 1500, `whenDrawn must resolve at once on a lost context (took ${r.lostWait.toFixed(1)} ms)`);
});
