// segment() of browser image sources (canvas, OffscreenCanvas, ImageBitmap, video) in headless Chromium:
// 200 frames in a row leave the wasm memory as it was after warm-up, read no ImageData per frame (the
// WebGL2 path uploads the source and reads it straight into wasm memory), and give exactly the matte of
// segment() on the same pixels passed as ImageData. The 2D-canvas fallback (no WebGL2) is checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, launchChromium, recordConsole } from './helpers/browser.mjs';
import { engineSkipReason } from './helpers/engine.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { makeCameraClip } from './helpers/camera-clip.mjs';
import { encodePng } from './helpers/png.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const skip = (await browserSkipReason()) || engineSkipReason();
const FRAMES = 200;
let browser, server, consoleLines = [];

before(async () => {
  if (skip) return;
  server = await startStaticServer({ extra: { '/blank.html': '<!doctype html><title>frame sources</title>' } });
  browser = await launchChromium();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

// In the page: one engine (random small HairSegNet; no head tracking and no temporal smoothing, so a
// frame's matte depends on its pixels only), a 320x240 picture as ImageData and the same picture as each
// kind of source; every source is segmented FRAMES times.
async function runInPage(page, frames) {
  return page.evaluate(async (frames) => {
    const counts = { getImageData: 0 };
    for (const proto of [CanvasRenderingContext2D.prototype, OffscreenCanvasRenderingContext2D.prototype]) {
      const original = proto.getImageData;
      proto.getImageData = function (...args) { counts.getImageData++; return original.apply(this, args); };
    }
    const { HairMatte } = await import('/bindings/js/index.mjs');
    const hm = await HairMatte.create({
      model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 },
      trackHead: false, temporal: 0,
    });
    const width = 320, height = 240;
    const image = new ImageData(width, height);
    let seed = 99;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 4;
        // Smooth shapes plus noise: the matte is not flat, so a changed pixel would show.
        image.data[p] = (x + (rand() & 31)) & 255;
        image.data[p + 1] = ((y * 3) ^ (rand() & 15)) & 255;
        image.data[p + 2] = Math.hypot(x - 160, y - 100) < 70 ? 40 : 200;
        image.data[p + 3] = 255;
      }
    }
    const reference = hm.segment(image).data;
    const canvas = Object.assign(document.createElement('canvas'), { width, height });
    canvas.getContext('2d').putImageData(image, 0, 0);
    const offscreen = new OffscreenCanvas(width, height);
    offscreen.getContext('2d').putImageData(image, 0, 0);
    const bitmap = await createImageBitmap(image);
    // A video of the canvas (captureStream): a real HTMLVideoElement whose frames went through the
    // browser's video path; its own reference is its frame drawn into a 2D canvas and read as ImageData.
    const video = document.createElement('video');
    video.muted = true;
    const stream = canvas.captureStream(0);  // frames only on requestFrame()
    video.srcObject = stream;
    const playing = video.play();
    await new Promise((resolve) => {
      const wait = () => {
        if (video.readyState >= 2 && video.videoWidth) return resolve();
        stream.getVideoTracks()[0].requestFrame();
        setTimeout(wait, 20);
      };
      wait();
    });
    await playing;
    const still = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d');
    still.drawImage(video, 0, 0);
    const videoPixels = still.getImageData(0, 0, width, height);
    let videoPixelDiff = 0;
    for (let i = 0; i < videoPixels.data.length; i++) videoPixelDiff = Math.max(videoPixelDiff, Math.abs(videoPixels.data[i] - image.data[i]));
    const videoReference = hm.segment(videoPixels).data;

    const results = {};
    for (const [name, source, ref] of [['canvas', canvas, reference], ['offscreen', offscreen, reference],
      ['bitmap', bitmap, reference], ['video', video, videoReference]]) {
      for (let i = 0; i < 5; i++) hm.segment(source);  // warm-up
      const warm = hm.memoryBytes;
      const readsBefore = counts.getImageData;
      let mismatched = 0, worst = 0;
      for (let i = 0; i < frames; i++) {
        const matte = hm.segment(source);
        for (let p = 0; p < ref.length; p++) {
          if (matte.data[p] !== ref[p]) { mismatched++; worst = Math.max(worst, Math.abs(matte.data[p] - ref[p])); }
        }
      }
      results[name] = {
        grown: hm.memoryBytes - warm, mismatched, worst, getImageData: counts.getImageData - readsBefore,
        path: hm.sourcePath,
      };
    }
    let spread = 0;
    for (const v of reference) spread = Math.max(spread, v);
    hm.dispose();
    return { results, videoPixelDiff, referenceMax: spread };
  }, frames);
}

async function newPage({ withoutWebGl2 = false } = {}) {
  const page = await browser.context.newPage();
  consoleLines = recordConsole(page);
  if (withoutWebGl2) {
    // A browser without WebGL2 (blocklisted GPU, old engine): getContext('webgl2') answers null.
    await page.addInitScript(() => {
      for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype]) {
        const original = proto.getContext;
        proto.getContext = function (kind, ...rest) { return kind === 'webgl2' ? null : original.call(this, kind, ...rest); };
      }
    });
  }
  await page.goto(`${server.origin}/blank.html`);
  return page;
}

function checkRun(run, expectedPath, expectedReads) {
  assert.ok(run.referenceMax > 0, 'the reference matte is all zero: the comparison would be vacuous');
  for (const [name, r] of Object.entries(run.results)) {
    console.log(`${name}: path ${r.path}, memory growth ${r.grown} B, getImageData calls ${r.getImageData}, ` +
      `mismatched alpha ${r.mismatched} (worst ${r.worst})`);
    assert.equal(r.path, expectedPath, name);
    assert.equal(r.grown, 0, `${name}: wasm memory grew over ${FRAMES} frames`);
    assert.equal(r.mismatched, 0, `${name}: ${r.mismatched} alpha values differ from segment(ImageData) (worst ${r.worst})`);
    assert.equal(r.getImageData, expectedReads, `${name}: getImageData calls over ${FRAMES} frames`);
  }
}

test(`${FRAMES} frames of canvas, OffscreenCanvas, ImageBitmap and video: WebGL2 reads into wasm memory, no growth, mattes equal segment(ImageData)`, { skip }, async () => {
  const page = await newPage();
  try {
    const run = await runInPage(page, FRAMES);
    console.log(`video frame vs the canvas it shows: max channel difference ${run.videoPixelDiff}`);
    checkRun(run, 'webgl2', 0);
  } catch (e) {
    console.log(consoleLines.join('\n'));
    throw e;
  } finally {
    await page.close();
  }
});

test(`without WebGL2 the 2D-canvas path gives the same mattes, one getImageData a frame, no wasm growth`, { skip }, async () => {
  const page = await newPage({ withoutWebGl2: true });
  try {
    const run = await runInPage(page, FRAMES);
    checkRun(run, '2d', FRAMES);
  } catch (e) {
    console.log(consoleLines.join('\n'));
    throw e;
  } finally {
    await page.close();
  }
});

// A camera (the fake device fed a y4m clip of one repeated picture): YUV frames converted by the browser.
// The reference is the same video frame drawn into a 2D canvas and read as ImageData.
test(`${FRAMES} camera frames (YUV): the WebGL2 read gives the mattes of the 2D-canvas read of the same frame, no growth`, { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-frame-sources-'));
  const clip = await makeCameraClip(dir, { width: 320, height: 240, frames: 4, prefer: 'synthetic' });
  const camera = await launchChromium({ camera: { y4m: clip.file } });
  try {
    const page = await camera.context.newPage();
    consoleLines = recordConsole(page);
    await page.goto(`${server.origin}/blank.html`);
    const r = await page.evaluate(async (frames) => {
      const { HairMatte } = await import('/bindings/js/index.mjs');
      const hm = await HairMatte.create({
        model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 },
        trackHead: false, temporal: 0,
      });
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
      await video.play();
      while (video.readyState < 2 || !video.videoWidth) await new Promise((resolve) => setTimeout(resolve, 20));
      const { videoWidth: width, videoHeight: height } = video;
      const still = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d', { willReadFrequently: true });
      still.drawImage(video, 0, 0);
      const reference = hm.segment(still.getImageData(0, 0, width, height)).data;
      for (let i = 0; i < 5; i++) hm.segment(video);
      const warm = hm.memoryBytes;
      let mismatched = 0, worst = 0, referenceMax = 0;
      for (let i = 0; i < frames; i++) {
        const matte = hm.segment(video).data;
        for (let p = 0; p < matte.length; p++) {
          if (matte[p] !== reference[p]) { mismatched++; worst = Math.max(worst, Math.abs(matte[p] - reference[p])); }
        }
      }
      for (const v of reference) referenceMax = Math.max(referenceMax, v);
      const result = { width, height, grown: hm.memoryBytes - warm, mismatched, worst, path: hm.sourcePath, referenceMax };
      video.srcObject.getTracks().forEach((t) => t.stop());
      hm.dispose();
      return result;
    }, FRAMES);
    console.log(`camera ${r.width}x${r.height}: path ${r.path}, memory growth ${r.grown} B, ` +
      `mismatched alpha ${r.mismatched} of ${FRAMES * r.width * r.height} (worst ${r.worst})`);
    assert.ok(r.referenceMax > 0, 'the reference matte is all zero');
    assert.equal(r.path, 'webgl2');
    assert.equal(r.grown, 0);
    assert.equal(r.mismatched, 0, `worst difference ${r.worst}`);
  } catch (e) {
    console.log(consoleLines.join('\n'));
    throw e;
  } finally {
    await camera.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// A picture from another origin without CORS taints what it is drawn into: segment() says so in a clear
// Error (on both read paths) and the instance keeps working.
test('a cross-origin image without CORS: a clear Error on both read paths, and the instance keeps working', { skip }, async () => {
  const rgba = new Uint8Array(32 * 24 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) & 255));
  const other = await startStaticServer({ extra: { '/photo.png': encodePng(rgba, 32, 24) } });  // another port: another origin
  try {
    for (const withoutWebGl2 of [false, true]) {
      const page = await newPage({ withoutWebGl2 });
      try {
        const r = await page.evaluate(async (url) => {
          const { HairMatte } = await import('/bindings/js/index.mjs');
          const hm = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 } });
          const img = new Image();
          img.src = url;
          await img.decode();
          let message = null;
          try {
            hm.segment(img);
          } catch (e) {
            message = e.message;
          }
          const after = hm.segment(new ImageData(32, 24)).data.length;
          hm.dispose();
          return { message, after };
        }, `${other.origin}/photo.png`);
        assert.match(r.message ?? 'no error', /cross-origin and taints the canvas: serve it with CORS/, withoutWebGl2 ? '2d' : 'webgl2');
        assert.equal(r.after, 32 * 24);
      } finally {
        await page.close();
      }
    }
  } finally {
    await other.close();
  }
});
