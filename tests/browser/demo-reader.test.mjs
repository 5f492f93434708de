// The demo's engine worker reads camera frames (ImageBitmaps) with the library's own reader
// (bindings/js/frame.mjs: WebGL2 upload + readPixels, no 2D canvas), and what it computes is what the
// library computes: on a known frame, through the demo page's own engine (its worker, its options, the
// pthread build of a cross-origin isolated page), the pixels it sends back are the frame's exact bytes, the
// read took the WebGL2 path, and its matte and hair statistics equal those of HairMatte.segment() and
// computeHairStats() on the main thread, with the same options, on the same pixels as ImageData and as
// an ImageBitmap read by HairMatte itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium, recordConsole } from './helpers/browser.mjs';
import { startProjectServer } from './helpers/project-server.mjs';
import { engineSkipReason } from './helpers/engine.mjs';

const skip = (await browserSkipReason()) || engineSkipReason();

test("demo: the worker reads frames with the library's WebGL2 reader and mattes them as the library does", { skip }, async () => {
  const server = await startProjectServer({ isolated: true });  // scripts/serve.mjs, as `npm start`
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const lines = recordConsole(page);
  try {
    // No camera: the only frames the engine sees are the test's. Random weights (always available).
    await page.goto(`${server.origin}/web/index.html?camera=0&model=random:hairsegnet&threads=2`);
    await page.evaluate(() => window.hmDemo.ready);
    const result = await page.evaluate(async () => {
      const { session } = window.hmDemo;
      const info = session.info;
      const width = 640, height = 480;
      // A drawn portrait: a graded background, a dark head with strands across it, a face below.
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d');
      const sky = g.createLinearGradient(0, 0, width, height);
      sky.addColorStop(0, '#d8e4f0');
      sky.addColorStop(1, '#6a7f4c');
      g.fillStyle = sky;
      g.fillRect(0, 0, width, height);
      g.fillStyle = '#2a1a12';
      g.beginPath();
      g.ellipse(320, 200, 150, 170, 0, 0, 2 * Math.PI);
      g.fill();
      g.strokeStyle = '#5a3a22';
      for (let i = 0; i < 40; i++) {
        g.beginPath();
        g.moveTo(190 + i * 6.5, 60);
        g.quadraticCurveTo(320, 120 + (i % 7) * 9, 200 + i * 6, 340);
        g.stroke();
      }
      g.fillStyle = '#e0b090';
      g.beginPath();
      g.ellipse(320, 260, 90, 110, 0, 0, 2 * Math.PI);
      g.fill();
      const image = g.getImageData(0, 0, width, height);
      // The demo's engine, as its frame pump calls it (an ImageBitmap, transferred to the worker).
      const reply = await session.engine.segment(await createImageBitmap(image), { reset: true });

      const { HairMatte } = await import('/bindings/js/index.mjs');
      const { computeHairStats } = await import('/web/color/hair-stats.mjs');
      const library = await HairMatte.create({
        model: { random: info.model, inputSize: info.inputSize, decoderDepth: info.decoderDepth, widthPermille: info.widthPermille },
        threads: info.threads, refine: info.refine, temporal: info.temporal, trackHead: info.trackHead, quality: info.quality,
      });
      const fromImageData = library.segment(image).data;
      library.reset();
      const fromBitmap = library.segment(await createImageBitmap(image)).data;
      const libraryPath = library.sourcePath;
      let codecError = '';
      try { library.decodeImage(new Uint8Array([0x89, 0x50])); } catch (e) { codecError = e.message; }
      library.dispose();

      const countDiff = (a, b) => { let n = 0; for (let i = 0; i < a.length; i++) n += a[i] !== b[i]; return n; };
      return {
        info, readPath: reply.readPath, libraryPath, size: [reply.rgba.width, reply.rgba.height],
        rgbaDiff: reply.rgba.data.length === image.data.length ? countDiff(reply.rgba.data, image.data) : -1,
        matteVsImageData: countDiff(reply.matte.data, fromImageData),
        matteVsBitmap: countDiff(reply.matte.data, fromBitmap),
        hairStats: reply.hairStats, libraryStats: computeHairStats(image.data, fromImageData, width, height),
        matteLevels: new Set(fromImageData).size, codecError,
      };
    });
    assert.equal(result.info.inWorker, true, 'the demo must run its engine in a worker');
    assert.equal(result.info.threads, 2, 'the cross-origin isolated page must use the pthread build');
    assert.equal(result.readPath, 'webgl2', "the worker must read the bitmap with the library's WebGL2 reader");
    assert.equal(result.libraryPath, 'webgl2');
    assert.deepEqual(result.size, [640, 480]);
    assert.equal(result.rgbaDiff, 0, 'the pixels the worker sends back must be the frame exactly');
    assert.ok(result.matteLevels > 2, `the matte must not be flat (${result.matteLevels} levels)`);
    assert.equal(result.matteVsImageData, 0, "the demo's matte must equal HairMatte.segment() of the same pixels");
    assert.equal(result.matteVsBitmap, 0, "the demo's matte must equal HairMatte.segment() of the same ImageBitmap");
    assert.deepEqual(result.hairStats, result.libraryStats, 'the hair statistics must be those of the same frame and matte');
    // Browsers have no image codec (Node's module only), and the message says so accurately.
    assert.match(result.codecError, /^hairmatte: decodeImage\(\): there is no image codec outside Node .*createImageBitmap/);
  } catch (e) {
    console.log(lines.join('\n'));
    throw e;
  } finally {
    await browser.close();
    await server.close();
  }
});
