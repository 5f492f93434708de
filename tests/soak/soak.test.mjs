// Soak test (issue 17): the real bundled HairMatteNet, 50 create/dispose cycles on 1 and on 2 threads and
// 3,000 frames on one instance, with the process's RSS measured after gc(). Budget: 64 MB of growth over
// the 50 cycles (before the fix of issue 17 one cycle leaked ~42 MB); the frame stream must not grow the
// wasm memory after warm-up, and RSS by less than 32 MB. The frames are small (96x72) and the network is
// planned at 64x64 (`inputSize`) so that 3,000 frames take seconds, not minutes: what is soaked is the
// frame path's memory, which does not depend on those sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { HairMatte } from '../../bindings/js/index.mjs';
import { DIST, randomFrame } from '../node/helpers.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const MB = 2 ** 20;
const MODEL = path.join(DIST, 'models', 'hairmattenet.hmm');
const skip = fs.existsSync(MODEL) ? false : `${MODEL} is missing (scripts/build-wasm.sh copies models/ there)`;

async function settledRss() {
  await new Promise((resolve) => setTimeout(resolve, 50));  // let terminated workers go
  gc();
  gc();
  return process.memoryUsage().rss;
}

for (const threads of [1, 2]) {
  test(`50 create/dispose cycles of the bundled model on ${threads} thread${threads > 1 ? 's' : ''}: RSS after gc() grows < 64 MB`, { skip, timeout: 240000 }, async () => {
    const frame = randomFrame(96, 72, threads);
    (await HairMatte.create({ model: 'hairmattenet', threads })).dispose();  // warm-up: code, caches
    const before = await settledRss();
    const started = Date.now();
    const samples = [];
    for (let i = 1; i <= 50; i++) {
      const hm = await HairMatte.create({ model: 'hairmattenet', threads });
      hm.segment(frame);
      hm.dispose();
      if (i % 10 === 0) samples.push(Math.round((await settledRss()) / MB));
    }
    const grown = ((await settledRss()) - before) / MB;
    console.log(`# soak ${threads} thread(s): RSS ${Math.round(before / MB)} MB before, after every 10 cycles ${samples.join(', ')} MB; ` +
      `growth ${grown.toFixed(1)} MB; ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.ok(grown < 64, `RSS grew by ${grown.toFixed(1)} MB over 50 cycles`);
  });
}

test('3,000 frames on one instance of the bundled model: no wasm growth after warm-up, RSS flat', { skip, timeout: 300000 }, async () => {
  const hm = await HairMatte.create({ model: 'hairmattenet', inputSize: 64, temporal: 0.5 });
  try {
    const frames = [randomFrame(96, 72, 1), randomFrame(96, 72, 2), randomFrame(96, 72, 3)];
    for (let i = 0; i < 30; i++) hm.recolor(frames[i % 3], { color: '#8b2252', mode: 'ombre', colorEnd: '#222222' });
    hm.segmentProbability(frames[0]);
    const wasm = hm.memoryBytes;
    const before = await settledRss();
    const started = Date.now();
    for (let i = 0; i < 3000; i++) {
      const matte = hm.segment(frames[i % 3]);
      if (i % 10 === 0) hm.recolor(frames[i % 3], { color: '#8b2252' }, matte);
      if (i % 100 === 0) hm.segmentProbability(frames[i % 3]);
      if (i % 500 === 0) assert.equal(hm.memoryBytes, wasm, `wasm memory grew by frame ${i}`);
    }
    const seconds = (Date.now() - started) / 1000;
    const grown = ((await settledRss()) - before) / MB;
    console.log(`# soak frames: 3000 frames (96x72, network at 64x64) in ${seconds.toFixed(1)} s; wasm memory ${wasm / MB} MB flat; RSS growth ${grown.toFixed(1)} MB`);
    assert.equal(hm.memoryBytes, wasm);
    assert.ok(grown < 32, `RSS grew by ${grown.toFixed(1)} MB over 3,000 frames`);
  } finally {
    hm.dispose();
  }
});
