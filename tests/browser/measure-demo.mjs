#!/usr/bin/env node
// Measures the demo's ms per frame in headless Chromium (fake camera, 640x480, engine in a worker) beside
// the same segment() call in Node 20, same model, same threads, same frame size. Not a test (no timing is
// asserted): prints a table and writes test-artifacts/browser/demo-speed.json.
//   node tests/browser/measure-demo.mjs [--frames 40] [--rounds 2] [--threads 1,2] [--refine none|guided]
//                                       [--model random:hairmattenet|hairmattenet]
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, ARTIFACTS_DIR, artifactPath, REPO_ROOT } from './helpers/browser.mjs';
import { startStaticServer } from './helpers/static-server.mjs';
import { makeCameraClip } from './helpers/camera-clip.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const FRAMES = Number(arg('frames', 40));
const THREADS = arg('threads', '1,2').split(',').map(Number);
const MODEL = arg('model', fs.existsSync(path.join(REPO_ROOT, 'models', 'hairmattenet.hmm')) ? 'hairmattenet' : 'random:hairmattenet');
const WARMUP = 5;
const REFINE = arg('refine', 'guided');
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function measureBrowser(clip, threads) {
  const server = await startStaticServer({ isolated: true });
  const browser = await launchChromium({ camera: { y4m: clip.file } });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/web/index.html?model=${MODEL}&refine=${REFINE}&threads=${threads}`);
    await page.evaluate(() => window.hmDemo.ready);
    return await page.evaluate(async ({ frames, warmup }) => {
      const session = window.hmDemo.session;
      const timings = [];
      await new Promise((resolve) => {
        const stop = session.onFrame((stats, { segmentMs, totalMs }) => {
          timings.push({ segmentMs, totalMs });
          if (timings.length >= frames + warmup) { stop(); resolve(); }
        });
      });
      const stats = session.stats;
      return { timings: timings.slice(warmup), fps: stats.fps, dropped: stats.dropped, info: session.info,
        size: [session.renderer.size.width, session.renderer.size.height] };
    }, { frames: FRAMES, warmup: WARMUP });
  } finally {
    await browser.close();
    await server.close();
  }
}

async function measureNode(clip, threads) {
  const { HairMatte } = await import(path.join(REPO_ROOT, 'bindings/js/index.mjs'));
  const model = MODEL.startsWith('random:') ? { random: MODEL.slice(7) } : MODEL;
  const hm = await HairMatte.create({ model, threads, refine: REFINE, temporal: 0.5 });
  const frame = { data: clip.rgba, width: clip.width, height: clip.height };
  const times = [];
  for (let i = 0; i < FRAMES + WARMUP; i++) {
    const t0 = performance.now();
    hm.segment(frame);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  hm.dispose();
  return times;
}

const clip = await makeCameraClip(path.join(ARTIFACTS_DIR, 'clips'), { prefer: 'portrait' });
// Node and Chromium alternate (ABAB) so that a change in the machine's load hits both alike.
const ROUNDS = Number(arg('rounds', 2));
async function measurePair(threads) {
  const nodeTimes = [], timings = [];
  let b;
  for (let round = 0; round < ROUNDS; round++) {
    nodeTimes.push(...await measureNode(clip, threads));
    b = await measureBrowser(clip, threads);
    timings.push(...b.timings);
  }
  return { nodeTimes, b: { ...b, timings } };
}

const rows = [];
for (const threads of THREADS) {
  const { nodeTimes, b } = await measurePair(threads);
  rows.push({
    model: MODEL, frame: `${b.size[0]}x${b.size[1]}`, threads, engineThreads: b.info.threads, inWorker: b.info.inWorker,
    chromiumSegmentMs: median(b.timings.map((t) => t.segmentMs)),
    chromiumEndToEndMs: median(b.timings.map((t) => t.totalMs)),
    chromiumFps: b.fps,
    nodeSegmentMs: median(nodeTimes),
  });
}
for (const r of rows) r.ratio = r.chromiumSegmentMs / r.nodeSegmentMs;
console.log(`model ${MODEL}, ${clip.source}, median of ${FRAMES} frames after ${WARMUP} warm-up, x${ROUNDS} rounds, refine ${REFINE}, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log('threads | Chromium segment ms | Chromium end-to-end ms | Chromium fps | Node segment ms | Chromium/Node');
for (const r of rows) {
  console.log(`${String(r.threads).padStart(7)} | ${r.chromiumSegmentMs.toFixed(1).padStart(19)} | ` +
    `${r.chromiumEndToEndMs.toFixed(1).padStart(22)} | ${r.chromiumFps.toFixed(1).padStart(12)} | ` +
    `${r.nodeSegmentMs.toFixed(1).padStart(15)} | ${r.ratio.toFixed(2).padStart(13)}`);
}
fs.writeFileSync(artifactPath('demo-speed.json'), JSON.stringify(rows, null, 2));
