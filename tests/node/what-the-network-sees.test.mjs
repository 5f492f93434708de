// What the network sees (docs/matting.md, section 1): stills are seen whole, video sees a head-following
// region inside the frame, and quality: 'best' averages the network with its mirror image. The tests on
// real photos use ../shared/portraits (450 x 550 portraits) and skip with a message when it is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { HairMatte } from '../../bindings/js/index.mjs';
import { stretchedMatte } from '../../bin/eval-samples.mjs';
import { REPO_ROOT, SMALL, randomFrame } from './helpers.mjs';

const PORTRAITS = path.resolve(REPO_ROOT, '..', 'shared', 'portraits');
const MODEL = path.join(REPO_ROOT, 'models', 'hairmattenet.hmm');
const noPortraits = fs.existsSync(PORTRAITS) && fs.existsSync(MODEL) ? false : `${PORTRAITS} (or models/hairmattenet.hmm) is absent`;
const portraitFiles = () => fs.readdirSync(PORTRAITS).filter((f) => f.endsWith('.jpg')).sort();
const whole = (f) => ({ x: 0, y: 0, width: f.width, height: f.height });
const inside = (r, f) => r.x >= 0 && r.y >= 0 && r.width >= 1 && r.height >= 1 && r.x + r.width <= f.width && r.y + r.height <= f.height;

test('which calls are stills: temporal 0, trackHead false, and the first frame after create() or reset()', async () => {
  const model = { random: 'hairsegnet', ...SMALL };
  const frames = [1, 2, 3, 4, 5, 6].map((seed) => randomFrame(120, 90, seed));
  for (const options of [{ temporal: 0 }, { temporal: 0.5, trackHead: false }]) {
    const hm = await HairMatte.create({ model, ...options });
    try {
      for (const f of frames) {
        assert.deepEqual(hm.segmentProbability(f).region, whole(f), JSON.stringify(options));
        hm.segment(f);
      }
    } finally {
      hm.dispose();
    }
  }
  const video = await HairMatte.create({ model, temporal: 0.5 });
  try {
    assert.deepEqual(video.segmentProbability(frames[0]).region, whole(frames[0]), 'the first frame of a video');
    for (const f of frames) {
      video.segment(f);
      assert.ok(inside(video.segmentProbability(f).region, f), 'the region never leaves the frame');
    }
    video.reset();
    assert.deepEqual(video.segmentProbability(frames[0]).region, whole(frames[0]), 'after reset()');
    video.segment(frames[0]);
    const other = randomFrame(90, 120, 9);
    assert.deepEqual(video.segmentProbability(other).region, whole(other), 'a new frame size');
  } finally {
    video.dispose();
  }
});

// The mirrored path is the mean of the network on the frame and (mirrored back) on its mirror image.
test("quality: 'best' averages the network's map with that of the mirror image", async () => {
  const model = { random: 'hairmattenet', ...SMALL, seed: 4 };
  const fast = await HairMatte.create({ model, refine: 'none' });
  const best = await HairMatte.create({ model, refine: 'none', quality: 'best' });
  try {
    assert.equal(best.info.quality, 'best');
    assert.equal(fast.info.quality, 'fast');
    const frame = randomFrame(70, 50, 11);
    const mirror = { width: 70, height: 50, data: new Uint8Array(frame.data.length) };
    for (let y = 0; y < 50; y++) for (let x = 0; x < 70; x++) {
      mirror.data.set(frame.data.subarray((y * 70 + x) * 4, (y * 70 + x) * 4 + 4), (y * 70 + 69 - x) * 4);
    }
    const p = fast.segmentProbability(frame).data, q = fast.segmentProbability(mirror).data;
    const got = best.segmentProbability(frame).data;
    let worst = 0, spread = 0;
    for (let y = 0; y < 50; y++) for (let x = 0; x < 70; x++) {
      const want = 0.5 * (p[y * 70 + x] + q[y * 70 + 69 - x]);
      worst = Math.max(worst, Math.abs(got[y * 70 + x] - want));
      spread = Math.max(spread, Math.abs(p[y * 70 + x] - q[y * 70 + 69 - x]));
    }
    assert.ok(spread > 0.01, `the map and its mirror agree to ${spread}: the test would be vacuous`);
    assert.ok(worst < 2e-3, `max |best - mean of the two| = ${worst}`);
  } finally {
    fast.dispose();
    best.dispose();
  }
  await assert.rejects(HairMatte.create({ model, quality: 'great' }), /quality must be one of 'fast', 'best'/);
});

// The check: `hairmatte matte` on portrait photos leaves no row empty where the photo's hair
// reaches, with the model's own matte of the stretched photo as the reference for where that is.
test('CLI matte on portrait photos: every row the hair reaches has hair in the matte', { skip: noPortraits }, async () => {
  const files = portraitFiles().slice(0, 6);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-portrait-'));
  const hm = await HairMatte.create({ model: MODEL, temporal: 0 });
  try {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'hairmatte.mjs'), 'matte',
      ...files.map((f) => path.join(PORTRAITS, f)), '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    let rowsOutsideTheOldSquare = 0;
    for (const f of files) {
      const photo = hm.decodeImage(new Uint8Array(fs.readFileSync(path.join(PORTRAITS, f))));
      const matte = hm.decodeImage(new Uint8Array(fs.readFileSync(path.join(out, f.replace(/\.jpg$/, '.png')))));
      assert.deepEqual([matte.width, matte.height], [photo.width, photo.height]);
      const reference = await stretchedMatte((frame) => { hm.reset(); return hm.segment(frame); }, photo);
      const side = Math.min(photo.width, photo.height), top = (photo.height - side) >> 1;
      for (let y = 0; y < photo.height; y++) {
        let hairInReference = 0, maxInMatte = 0;
        for (let x = 0; x < photo.width; x++) {
          if (reference[y * photo.width + x] >= 0.5) hairInReference++;
          maxInMatte = Math.max(maxInMatte, matte.data[4 * (y * photo.width + x)]);
        }
        if (hairInReference < 3) continue;
        if (y < top || y >= top + side) rowsOutsideTheOldSquare++;
        assert.ok(maxInMatte >= 128, `${f}: row ${y} has ${hairInReference} hair pixels in the reference, none in the matte`);
      }
    }
    // The check covers rows the centred square never saw (they were all 0 before).
    assert.ok(rowsOutsideTheOldSquare > 20, `only ${rowsOutsideTheOldSquare} hair rows outside the centred square`);
  } finally {
    hm.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  }
});

// Video: a portrait photo moving across a landscape camera frame. The region follows the head, stays inside
// the frame, zooms in (narrower than the frame) and covers the hair the still matte finds.
test('video: the region follows a head that moves and covers its hair', { skip: noPortraits }, async () => {
  const codec = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  const video = await HairMatte.create({ model: MODEL, temporal: 0.5 });
  const still = await HairMatte.create({ model: MODEL, temporal: 0 });
  try {
    const photo = codec.decodeImage(new Uint8Array(fs.readFileSync(path.join(PORTRAITS, portraitFiles()[0]))));
    const W = 800, H = 560;
    const frameAt = (ox) => {
      const data = new Uint8Array(W * H * 4).fill(128);
      for (let y = 0; y < photo.height; y++) {
        data.set(photo.data.subarray(y * photo.width * 4, (y + 1) * photo.width * 4), ((y + 5) * W + ox) * 4);
      }
      for (let i = 3; i < data.length; i += 4) data[i] = 255;
      return { width: W, height: H, data };
    };
    const centres = [];
    for (let t = 0; t < 16; t++) {
      const ox = t < 8 ? 10 : 10 + 30 * (t - 7);  // still, then 30 px per frame to the right
      const f = frameAt(Math.min(ox, W - photo.width));
      const region = video.segmentProbability(f).region;
      assert.ok(inside(region, f), `frame ${t}: region ${JSON.stringify(region)} leaves the frame`);
      const matte = video.segment(f).data;
      if (t === 7 || t === 15) {
        assert.ok(region.width < W, `frame ${t}: the region zooms in (${region.width} < ${W})`);
        still.reset();
        const ref = still.segment(f).data;
        // The hair of the still matte (the whole frame seen at once) lies inside the video's region, and the
        // video matte (a closer view of the head) mostly agrees with it.
        let hair = 0, inRegion = 0, kept = 0;
        for (let i = 0; i < ref.length; i++) {
          if (ref[i] < 128) continue;
          hair++;
          const x = i % W, y = (i - x) / W;
          inRegion += x >= region.x && x < region.x + region.width && y >= region.y && y < region.y + region.height;
          kept += matte[i] >= 128;
        }
        console.log(`frame ${t}: region ${JSON.stringify(region)}; of ${hair} still-matte hair pixels ${inRegion} in the region, ${kept} in the video matte`);
        assert.ok(hair > 1000 && inRegion / hair > 0.99, `frame ${t}: only ${inRegion} of ${hair} hair pixels inside the region`);
        assert.ok(kept / hair > 0.85, `frame ${t}: the video matte keeps ${kept} of ${hair} hair pixels of the still matte`);
        centres.push(region.x + region.width / 2);
      }
    }
    assert.ok(centres[1] - centres[0] > 150, `the region's centre moved ${centres[1] - centres[0]} px with a head that moved 240`);
  } finally {
    codec.dispose();
    video.dispose();
    still.dispose();
  }
});
