// `hairmatte eval`: the protocol's plumbing (a segmenter that returns the truth scores 1), the listing of
// both data layouts, and clear one-line errors for bad input through the real command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HairMatte } from '../../bindings/js/index.mjs';
import { encodePng } from '../../tests/browser/helpers/png.mjs';
import { evaluateSamples, listSamples, resizeBilinear } from '../../bin/eval-samples.mjs';
import { confusion, thresholdMetrics } from '../../bin/metrics.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'bin', 'hairmatte.mjs');

// DIR/images/*.png + DIR/masks/*.png: an ellipse of "hair" on a gradient, at the sizes given.
function makeDataset(sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-eval-'));
  fs.mkdirSync(path.join(dir, 'images'));
  fs.mkdirSync(path.join(dir, 'masks'));
  sizes.forEach(([w, h], k) => {
    const img = new Uint8Array(w * h * 4), mask = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = 4 * (y * w + x);
        const hair = ((x - w / 2) / (w * 0.35)) ** 2 + ((y - h * 0.4) / (h * 0.3)) ** 2 < 1;
        img.set(hair ? [40, 30, 20, 255] : [100 + (x % 50), 150, 200 - (y % 60), 255], i);
        mask.set(hair ? [255, 255, 255, 255] : [0, 0, 0, 255], i);
      }
    }
    fs.writeFileSync(path.join(dir, 'images', `p${k}.png`), encodePng(img, w, h));
    fs.writeFileSync(path.join(dir, 'masks', `p${k}.png`), encodePng(mask, w, h));
  });
  return dir;
}

const run = (...args) => spawnSync(process.execPath, [CLI, 'eval', ...args], { encoding: 'utf8', cwd: REPO });

test('the photo reaches segment() as it is: a segmenter that returns the true mask scores F1 = IoU = 1', async () => {
  const dir = makeDataset([[48, 48], [40, 64], [72, 30]]);
  const hm = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  try {
    const samples = listSamples(dir);
    assert.deepEqual(samples.map((s) => s.id), ['p0', 'p1', 'p2']);
    // The oracle: decode the mask of the photo being asked about, resized to the frame it is given.
    let current = 0;
    const truth = samples.map((s) => hm.decodeImage(new Uint8Array(fs.readFileSync(s.mask))));
    const sizes = [];
    const oracle = (frame) => {
      const m = truth[current++ % truth.length];
      sizes.push([frame.width, frame.height]);
      const plane = Uint8Array.from({ length: m.width * m.height }, (_, i) => m.data[4 * i]);
      return { data: resizeBilinear(plane, m.width, m.height, 1, frame.width, frame.height, Uint8Array) };
    };
    const { rows, groups } = await evaluateSamples(hm, oracle, samples);
    assert.deepEqual(sizes, [[48, 48], [40, 64], [72, 30]], 'no pre-stretch: segment() gets each photo at its own size');
    for (const r of rows) assert.equal(r.metrics.iou, 1, r.id);
    for (const r of rows) assert.equal(r.metrics.f1, 1, r.id);
    assert.equal(groups[path.basename(dir)].count, 3);
    // The old protocol, kept for comparison: the photo stretched to a square at its long side first.
    sizes.length = 0;
    const stretched = await evaluateSamples(hm, oracle, samples, { stretch: true });
    assert.deepEqual(sizes, [[48, 48], [64, 64], [72, 72]]);
    for (const r of stretched.rows) assert.ok(r.metrics.iou > 0.93, `${r.id}: IoU ${r.metrics.iou}`);
    // The inverse of the truth scores 0.
    current = 0;
    const inverse = (frame) => { const o = oracle(frame); return { data: o.data.map((v) => 255 - v) }; };
    const bad = await evaluateSamples(hm, inverse, samples);
    for (const r of bad.rows) assert.ok(r.metrics.iou < 0.07, `${r.id}: IoU of the inverse ${r.metrics.iou}`);
  } finally {
    hm.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('eval --json with random weights prints every measure per source', () => {
  const dir = makeDataset([[64, 64], [48, 80]]);
  try {
    const r = run('--data', dir, '--random-weights', '--model', 'hairsegnet', '--size', '64', '--refine', 'none', '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const g = report.groups[path.basename(dir)];
    assert.equal(g.count, 2);
    for (const k of ['f1', 'iou', 'accuracy', 'gradConsistency']) assert.ok(g[k] >= 0 && g[k] <= 1, `${k} = ${g[k]}`);
    assert.equal(report.inputSize, 64);
    assert.equal(report.softMatte, '8-bit alpha / 255');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('eval --per-image writes one CSV row per photo, whose means are the reported ones', () => {
  const dir = makeDataset([[64, 64], [48, 80], [72, 40]]);
  const csvFile = path.join(dir, 'rows.csv');
  try {
    const r = run('--data', dir, '--random-weights', '--model', 'hairsegnet', '--size', '64', '--refine', 'none', '--json',
      '--per-image', csvFile);
    assert.equal(r.status, 0, r.stderr);
    const group = JSON.parse(r.stdout).groups[path.basename(dir)];
    const [head, ...lines] = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
    assert.equal(head, 'source,id,note,f1,performance,iou,accuracy,gradConsistency');
    const rows = lines.map((l) => l.split(','));
    assert.deepEqual(rows.map((c) => [c[0], c[1]]), [0, 1, 2].map((k) => [path.basename(dir), `p${k}`]));
    for (const [col, key] of [[3, 'f1'], [5, 'iou'], [6, 'accuracy'], [7, 'gradConsistency']]) {
      const mean = rows.reduce((a, c) => a + Number(c[col]), 0) / rows.length;
      assert.ok(Math.abs(mean - group[key]) < 1e-12, `${key}: CSV mean ${mean}, reported ${group[key]}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// `eval` scores what `matte` writes: the same engine options and the same photo, so the IoU that eval
// reports equals the IoU of matte's PNGs against the masks (random weights: any matte will do).
test('eval measures exactly what `hairmatte matte` writes', async () => {
  const dir = makeDataset([[56, 72], [80, 48]]);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-eval-matte-'));
  const codec = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  try {
    const common = ['--random-weights', '--model', 'hairmattenet', '--refine', 'none'];
    const m = spawnSync(process.execPath, [CLI, 'matte', path.join(dir, 'images'), '--out', out, ...common], { encoding: 'utf8', cwd: REPO });
    assert.equal(m.status, 0, m.stderr);
    const r = run('--data', dir, ...common, '--json');
    assert.equal(r.status, 0, r.stderr);
    const reported = JSON.parse(r.stdout).groups[path.basename(dir)].iou;
    const plane = (img) => Uint8Array.from({ length: img.width * img.height }, (_, i) => img.data[4 * i]);
    const ious = ['p0', 'p1'].map((id) => {
      const matte = codec.decodeImage(new Uint8Array(fs.readFileSync(path.join(out, `${id}.png`))));
      const mask = codec.decodeImage(new Uint8Array(fs.readFileSync(path.join(dir, 'masks', `${id}.png`))));
      return thresholdMetrics(confusion(plane(matte), plane(mask), 1 / 255)).iou;
    });
    const mean = (ious[0] + ious[1]) / 2;
    assert.ok(Math.abs(reported - mean) < 1e-12, `eval ${reported} vs matte's PNGs ${mean}`);
  } finally {
    codec.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('bad input: one clear line on stderr and a non-zero exit', () => {
  const noMask = makeDataset([[32, 32]]);
  fs.rmSync(path.join(noMask, 'masks', 'p0.png'));
  const wrongSize = makeDataset([[32, 32]]);
  fs.writeFileSync(path.join(wrongSize, 'masks', 'p0.png'), encodePng(new Uint8Array(16 * 16 * 4), 16, 16));
  const cases = [
    [[], 2, /eval needs --data DIR/],
    [['--data', path.join(os.tmpdir(), 'no-such-hm-dir')], 1, /no such folder/],
    [['--data', REPO], 1, /needs images\/ and masks\/ folders/],
    [['--data', noMask, '--random-weights'], 1, /p0\.png has no mask/],
    [['--data', wrongSize, '--random-weights', '--size', '64'], 1, /mask 16x16 and image 32x32 differ/],
    [['--data', noMask, '--refine', 'soft'], 2, /--refine must be guided or none/],
    [['--data', noMask, '--quality', 'great'], 2, /--quality must be fast or best/],
    [['--data', noMask, '--part', 'test'], 2, /--part must be val or train/],
    [['--data', noMask, '--limit', 'x'], 2, /--limit must be a non-negative integer/],
    [['--data', noMask, '--per-image', path.join(os.tmpdir(), 'no-such-hm-dir', 'rows.csv')], 1, /--per-image .*rows\.csv: its folder does not exist/],
  ];
  try {
    for (const [args, code, message] of cases) {
      const r = run(...args);
      assert.equal(r.status, code, `${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    }
  } finally {
    fs.rmSync(noMask, { recursive: true, force: true });
    fs.rmSync(wrongSize, { recursive: true, force: true });
  }
});

test('the shared set layout: the committed validation split, with hair types (skips without ../shared)', {
  skip: fs.existsSync(path.resolve(REPO, '..', 'shared', 'data', 'hair', 'manifest.csv')) ? false : '../shared/data/hair is absent',
}, () => {
  const split = JSON.parse(fs.readFileSync(path.join(REPO, 'training', 'splits', 'hair_split.json'), 'utf8'));
  const samples = listSamples(path.resolve(REPO, '..', 'shared', 'data', 'hair'));
  for (const source of Object.keys(split.sources)) {
    assert.deepEqual(samples.filter((s) => s.source === source).map((s) => s.id), [...split.sources[source].val].sort());
  }
  assert.ok(samples.some((s) => s.source === 'figaro1k' && s.note === 'curly'));
});

test('installed (no training/splits/ beside bin/), eval reads a manifest folder with no split file: every image', () => {
  // The package's files as npm installs them: bin/, bindings/js/ and dist/ without the models
  // (--random-weights), and no training/ folder.
  const pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-installed-'));
  for (const dir of ['bin', path.join('bindings', 'js'), 'dist']) {
    fs.cpSync(path.join(REPO, dir), path.join(pkg, dir), { recursive: true, filter: (f) => !f.endsWith('.hmm') });
  }
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(pkg, 'package.json'));
  const flat = makeDataset([[40, 40], [48, 40]]);
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-manifest-'));
  fs.cpSync(flat, path.join(data, 'shop'), { recursive: true });
  fs.writeFileSync(path.join(data, 'manifest.csv'), 'source,id,note\nshop,p0,\nshop,p1,\n');
  const cli = (...args) => spawnSync(process.execPath, [path.join(pkg, 'bin', 'hairmatte.mjs'), 'eval', ...args],
    { encoding: 'utf8', cwd: os.tmpdir() });
  try {
    const all = cli('--data', data, '--random-weights', '--json');
    assert.equal(all.status, 0, all.stderr);
    const report = JSON.parse(all.stdout);
    assert.equal(JSON.stringify(report).includes('"shop"'), true, all.stdout);
    assert.match(all.stdout, /"count":\s*2/);
    // A split file, when given, still picks its part.
    const split = path.join(data, 'split.json');
    fs.writeFileSync(split, JSON.stringify({ sources: { shop: { train: ['p0'], val: ['p1'] } } }));
    const val = cli('--data', data, '--random-weights', '--json', '--split', split);
    assert.equal(val.status, 0, val.stderr);
    assert.match(val.stdout, /"count":\s*1/);
    const missing = cli('--data', data, '--random-weights', '--split', path.join(data, 'nope.json'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--split .*nope\.json: no such file/);
  } finally {
    for (const dir of [pkg, flat, data]) fs.rmSync(dir, { recursive: true, force: true });
  }
});
