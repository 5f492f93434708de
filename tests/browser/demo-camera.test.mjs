// The demo page end to end in headless Chromium: a fake camera plays a y4m clip made at test time; the
// engine (wasm, in a worker) segments each frame; the WebGL2 canvas shows it recoloured.
// With random weights (always available) it checks the plumbing: frames keep coming, pixels with matte 0
// are the camera's exact bytes, colour/mode/split change the output. With the trained model it also checks
// that the hair itself moves toward the chosen colour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserSkipReason, launchChromium, recordConsole, artifactPath, ARTIFACTS_DIR } from './helpers/browser.mjs';
import { startProjectServer } from './helpers/project-server.mjs';
import { makeCameraClip, validationPhoto } from './helpers/camera-clip.mjs';
import { engineSkipReason, trainedModelSkipReason, PAGE_METRICS } from './helpers/engine.mjs';

const skip = (await browserSkipReason()) || engineSkipReason();
// The trained model needs a real photo with its hand-drawn hair mask: it does not take the drawn head's
// flat shapes for hair (mean matte 0.1 there), so without ../shared/data this test skips.
const skipTrained = skip || trainedModelSkipReason() || (validationPhoto() ? false
  : 'needs a validation photo with its hair mask from ../shared/data/hair (absent here)');
let server, browser, clip, hairClip, hairBrowser;

before(async () => {
  if (skip) return;
  clip = await makeCameraClip(path.join(ARTIFACTS_DIR, 'clips'), { prefer: 'synthetic' });
  server = await startProjectServer({ isolated: true });  // scripts/serve.mjs, as `npm start`
  browser = await launchChromium({ camera: { y4m: clip.file } });
});
after(async () => {
  if (browser) await browser.close();
  if (hairBrowser) await hairBrowser.close();
  if (server) await server.close();
});

async function openDemo(query, within = browser) {
  const page = await within.context.newPage();
  const lines = recordConsole(page);
  await page.addInitScript(PAGE_METRICS);
  await page.goto(`${server.origin}/web/index.html?${query}`);
  await page.evaluate(() => window.hmDemo.ready);
  await page.waitForFunction(() => window.hmDemo.session.stats.frames >= 3, null, { timeout: 60000 });
  return { page, lines };
}

const stats = (page) => page.evaluate(() => window.hmDemo.session.stats);
const digest = (page) => page.evaluate(() => window.hmOutputDigest(window.hmDemo.session));
const metrics = (page, options) => page.evaluate((o) => window.hmMetrics(window.hmDemo.session, o), options);
const setLook = (page, look) => page.evaluate((l) => window.hmDemo.session.setLook(l), look);

test('demo (random weights): live frames, matte-0 pixels untouched, controls change the output', { skip }, async () => {
  const { page, lines } = await openDemo('model=random:hairmattenet&refine=none&threads=1');
  try {
    const first = await stats(page);
    await page.waitForTimeout(2000);
    const later = await stats(page);
    assert.ok(later.frames > first.frames, `stats.frames must keep increasing (${first.frames} -> ${later.frames})`);
    assert.ok(later.msPerFrame > 0 && later.fps > 0, `stats must be live: ${JSON.stringify(later)}`);

    const size = await page.evaluate(() => [document.getElementById('view').width, document.getElementById('view').height]);
    assert.deepEqual(size, [640, 480], 'the canvas must be at the camera resolution');

    // Freeze on one frame (stop the pump) so that before/after renders compare the same pixels.
    await page.evaluate(() => window.hmDemo.session.pump.stop());
    await page.waitForTimeout(300);
    await setLook(page, { color: '#8b2252', mode: 'solid', strength: 0.8 });
    const m = await metrics(page, { color: '#8b2252' });
    assert.ok(m.matteZero + m.matteHigh > 0, 'the random network must produce a usable matte');
    assert.equal(m.maxDiffMatteZero, 0, 'pixels with matte 0 must be the camera frame exactly');
    if (m.matteHigh) assert.ok(m.changedMatteHigh / m.matteHigh > 0.9, 'pixels with a high matte must change');

    const solid = await digest(page);
    await setLook(page, { color: '#c9a16b' });
    const otherColour = await digest(page);
    await setLook(page, { color: '#8b2252', mode: 'highlights' });
    const highlights = await digest(page);
    assert.notEqual(otherColour, solid, 'changing the colour must change the output');
    assert.notEqual(highlights, solid, 'changing the mode must change the output');

    await page.evaluate(() => window.hmDemo.session.setSplit(1));
    const before = await metrics(page, {});
    assert.equal(before.maxDiffAll, 0, 'split 1 must show the camera frame');
    await page.evaluate(() => window.hmDemo.session.setSplit(0.5));
    await page.screenshot({ path: artifactPath('demo-random-weights.png') });
    const shown = await page.locator('#build').textContent();
    assert.match(shown, /hairmattenet · SIMD · 1 thread · worker/);
    assert.deepEqual(lines.filter((l) => /error/i.test(l)), []);
  } finally {
    await page.close();
  }
});

test('demo (trained model): the hair moves toward the chosen colour, the background does not', { skip: skipTrained }, async (t) => {
  // A validation photo with its hand-drawn mask (the skip above makes sure the data set is here).
  hairClip = await makeCameraClip(path.join(ARTIFACTS_DIR, 'clips-hair'), { prefer: 'dataset' });
  t.diagnostic(`camera clip: ${hairClip.source}`);
  hairBrowser = await launchChromium({ camera: { y4m: hairClip.file } });
  const { page } = await openDemo('model=hairmattenet&threads=1', hairBrowser);
  try {
    await page.waitForTimeout(1500);  // let temporal smoothing settle on the static clip
    await page.evaluate(() => window.hmDemo.session.pump.stop());
    await page.waitForTimeout(300);
    const color = '#8b2252';
    await setLook(page, { color, mode: 'solid', strength: 0.8 });
    const hairMask = Array.from(hairClip.hair), farMask = Array.from(hairClip.far);
    const m = await metrics(page, { color, hairMask });
    const far = await page.evaluate(({ farMask }) => {
      const { frame: rgba, matte } = window.hmDemo.session.renderer.last;
      const out = window.hmDemo.session.renderer.readPixels().data;
      let change = 0, matteSum = 0, n = 0;
      for (let i = 0; i < farMask.length; i++) if (farMask[i]) {
        n++; matteSum += matte.data[i];
        for (let c = 0; c < 3; c++) change += Math.abs(out[i * 4 + c] - rgba.data[i * 4 + c]) / 3;
      }
      return { meanChange: change / n, meanMatte: matteSum / n / 255 };
    }, { farMask });
    // The matte must cover the hand-drawn hair, and the hair must move toward the colour. The recolour keeps
    // each pixel's lightness offset from the hair's mean (docs/recolor.md), so the distance to the flat
    // target colour cannot approach 0: a 12% drop at strength 0.8 is a clear move (brown -> #8b2252 on the
    // CelebAMask validation photo measured 16%; the matte alone at 0 would give 0%).
    assert.ok(m.hairMatte > 0.6, `the matte must cover the hand-drawn hair (mean matte there ${m.hairMatte.toFixed(3)})`);
    assert.ok(m.hairDistAfter < 0.88 * m.hairDistBefore,
      `hair pixels must move toward ${color}: mean distance ${m.hairDistBefore.toFixed(1)} -> ${m.hairDistAfter.toFixed(1)}`);
    assert.ok(far.meanMatte < 0.05, `far background must not be hair (mean matte ${far.meanMatte.toFixed(3)})`);
    assert.ok(far.meanChange <= 2, `far pixels must stay as they were (mean change ${far.meanChange.toFixed(2)})`);
    await page.screenshot({ path: artifactPath('demo-trained.png') });
  } finally {
    await page.close();
  }
});
