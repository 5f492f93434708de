#!/usr/bin/env node
// `npm run results`: measures everything docs/RESULTS.md reports and writes it (no hand-typed numbers).
//   node evaluation/results.mjs [--steps quality,stills,stills-timing,mediapipe,size,table2,speed,figures] [--limit N]
//        [--hairmattenet FILE] [--hairsegnet FILE] [--table2 DIR] [--variants hairsegnet,...] [--render-only]
//        [--carry-from docs/RESULTS.md]
// Measurements are kept in test-artifacts/results/measurements.json (ignored by git), merged step by step,
// so a step can be re-run alone; the report is rendered from that file every time. Needs ../shared (data,
// peer model); steps that cannot run say why in the report.
import fs from 'node:fs';
import path from 'node:path';
import { listSamples, limitPerSource } from '../bin/eval-samples.mjs';
import { REPO_ROOT, SHARED_DIR } from './browser/server.mjs';
import { openEvalPage, browserSkipReason } from './browser/runner.mjs';
import { engineQuality, pageQuality } from './quality.mjs';
import { summariseFailureModes } from './failure-modes.mjs';
import { nodeSpeed, browserSpeed, peerBenchmark, machine } from './speed.mjs';
import { renderReport } from './report.mjs';
import { makeFigures } from './figures.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ALL_STEPS = ['quality', 'stills', 'stills-timing', 'mediapipe', 'size', 'table2', 'speed', 'figures'];
const steps = process.argv.includes('--render-only') ? [] : arg('steps', ALL_STEPS.join(',')).split(',');
for (const s of steps) if (!ALL_STEPS.includes(s)) throw new Error(`unknown step '${s}' (${ALL_STEPS.join(', ')})`);
const limit = Number(arg('limit', 0));
const DATA = path.join(SHARED_DIR, 'data', 'hair');
const STORE = path.join(REPO_ROOT, 'test-artifacts', 'results', 'measurements.json');
const MODELS = {
  hairmattenet: path.resolve(arg('hairmattenet', path.join(REPO_ROOT, 'models', 'hairmattenet.hmm'))),
  hairsegnet: path.resolve(arg('hairsegnet', path.join(REPO_ROOT, 'models', 'hairsegnet.hmm'))),
};
const TABLE2_DIR = path.resolve(arg('table2', path.join(REPO_ROOT, 'runs', 'table2')));

const store = fs.existsSync(STORE) ? JSON.parse(fs.readFileSync(STORE, 'utf8')) : {};
const save = () => {
  fs.mkdirSync(path.dirname(STORE), { recursive: true });
  fs.writeFileSync(STORE, JSON.stringify(store, (k, v) => (Number.isNaN(v) ? null : v), 1));
};
const log = (m) => process.stderr.write(`[results ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const modelFacts = (file) => {
  const st = fs.statSync(file);
  return { file: path.relative(REPO_ROOT, file), bytes: st.size, modified: st.mtime.toISOString() };
};

// What a quality measurement keeps: group means and the failure-mode summary (no per-image rows).
const keep = (q, extra = {}) => ({ ...extra, seconds: q.seconds, segmentMsPerImage: q.segmentMsPerImage, info: q.info, groups: q.groups,
  failureModes: summariseFailureModes(q.rows), measuredAt: new Date().toISOString(), limitPerSource: limit || null });

const dataMissing = fs.existsSync(path.join(DATA, 'manifest.csv')) ? false : `${DATA} is absent (../shared not mounted)`;
const samples = dataMissing ? [] : limitPerSource(listSamples(DATA, { part: 'val' }), limit);

async function stepQuality() {
  store.quality ??= {};
  const variants = [
    ['hairsegnet', 'hairsegnet', 'none'], ['hairsegnet+guided', 'hairsegnet', 'guided'],
    ['hairmattenet', 'hairmattenet', 'none'], ['hairmattenet+guided', 'hairmattenet', 'guided'],
  ];
  const only = arg('variants', null)?.split(',');
  for (const [name, arch, refine] of variants) {
    if (only && !only.includes(name)) continue;
    if (!fs.existsSync(MODELS[arch])) { store.quality[name] = { missing: `${path.relative(REPO_ROOT, MODELS[arch])} does not exist` }; continue; }
    log(`quality ${name} on ${samples.length} images`);
    store.quality[name] = keep(await engineQuality({ model: MODELS[arch], refine }, samples, name), { model: modelFacts(MODELS[arch]) });
    save();
  }
}

// What the network sees on a photo: HairMatteNet as `hairmatte matte` runs it (Table I's rows) against the
// same photos stretched to a square before segment() (the old protocol, what training/evaluate.py
// measures), and the mirrored quality: 'best' path, for both refinements.
async function stepStills() {
  store.stills ??= {};
  if (!fs.existsSync(MODELS.hairmattenet)) { store.stills = { missing: 'no HairMatteNet model' }; return; }
  for (const refine of ['none', 'guided']) {
    for (const [name, extra] of [['stretched', { stretch: true }], ['best', { quality: 'best' }]]) {
      log(`stills hairmattenet ${refine} ${name}`);
      store.stills[`${refine}/${name}`] = keep(await engineQuality({ model: MODELS.hairmattenet, refine, ...extra }, samples, `${refine}/${name}`));
      save();
    }
  }
}

// What quality: 'best' costs: segment() on the same photos with 'fast' and 'best', alternating photo by
// photo (so both see the same load), one thread; medians.
async function stepStillsTiming() {
  const { HairMatte } = await import('../bindings/js/index.mjs');
  const { readImageFile } = await import('../bin/images.mjs');
  const engines = {};
  for (const quality of ['fast', 'best']) engines[quality] = await HairMatte.create({ model: MODELS.hairmattenet, temporal: 0, quality });
  const photos = limitPerSource(samples, 20);
  const ms = { fast: [], best: [] };
  const before = machine();
  log(`stills timing on ${photos.length} photos`);
  for (const s of photos) {
    const image = readImageFile(engines.fast, s.image);
    for (const quality of ['fast', 'best']) {
      const hm = engines[quality];
      hm.reset();
      hm.segment(image);  // warm (buffers sized for this photo)
      hm.reset();
      const t0 = performance.now();
      hm.segment(image);
      ms[quality].push(performance.now() - t0);
    }
  }
  for (const hm of Object.values(engines)) hm.dispose();
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  store.stills ??= {};
  store.stills.timing = { photos: photos.length, perSource: 20, threads: 1, refine: 'guided', fastMs: median(ms.fast), bestMs: median(ms.best),
    before, after: machine(), measuredAt: new Date().toISOString() };
  save();
}

async function stepMediaPipe() {
  const skip = await browserSkipReason();
  if (skip) { store.mediapipe = { missing: skip }; return; }
  log(`quality MediaPipe on ${samples.length} images`);
  const page = await openEvalPage();
  try {
    await page.addMediaPipe('mp-quality', { previousMask: 0 });
    await page.addMediaPipe('mp-probe-255', { previousMask: 255 });
    // The 4th channel probe: the same frame with alpha 0 and 255 (see page.mjs).
    const probe = samples.slice(0, 3);
    const { HairMatte } = await import('../bindings/js/index.mjs');
    const dec = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
    let probeMaxDiff = 0;
    for (const s of probe) {
      const image = dec.decodeImage(new Uint8Array(fs.readFileSync(s.image)));
      const a = await page.segment('mp-quality', image), b = await page.segment('mp-probe-255', image);
      for (let i = 0; i < a.data.length; i++) probeMaxDiff = Math.max(probeMaxDiff, Math.abs(a.data[i] - b.data[i]));
    }
    dec.dispose();
    const q = await pageQuality(page, 'mp-quality', samples, 'mediapipe');
    const feedbackDisabled = page.log.some((l) => l.includes('Disabling support for feedback tensors'));
    store.mediapipe = keep(q, { alphaProbe: { images: probe.length, maxAbsDiff: probeMaxDiff }, feedbackDisabled,
      version: JSON.parse(fs.readFileSync(path.join((await import('./browser/server.mjs')).mediapipeDir(), 'package.json'), 'utf8')).version });
  } finally {
    await page.close();
  }
  save();
}

async function stepSize() {
  store.size ??= {};
  if (!fs.existsSync(MODELS.hairmattenet)) { store.size = { missing: 'no HairMatteNet model' }; return; }
  for (const inputSize of [480]) {
    log(`quality hairmattenet at ${inputSize}`);
    store.size[inputSize] = keep(await engineQuality({ model: MODELS.hairmattenet, refine: 'none', inputSize }, samples, `hmn@${inputSize}`));
    save();
  }
}

async function stepTable2() {
  store.table2 = { dir: path.relative(REPO_ROOT, TABLE2_DIR), runs: {} };
  const runs = fs.existsSync(TABLE2_DIR) ? fs.readdirSync(TABLE2_DIR).filter((d) => fs.existsSync(path.join(TABLE2_DIR, d, 'hairmattenet.hmm'))).sort() : [];
  if (runs.length === 0) store.table2.missing = `no trained runs in ${path.relative(REPO_ROOT, TABLE2_DIR)} (sh evaluation/table2/train.sh)`;
  const { HairMatte } = await import('../bindings/js/index.mjs');
  for (const run of runs) {
    const file = path.join(TABLE2_DIR, run, 'hairmattenet.hmm');
    const hm = await HairMatte.create({ model: file });
    const metadata = hm.info.metadata;
    hm.dispose();
    log(`Table II ${run}`);
    store.table2.runs[run] = keep(await engineQuality({ model: file, refine: 'none' }, samples, run), { metadata });
    save();
  }
}

async function stepSpeed() {
  const variants = [
    { name: 'HairSegNet', arch: 'hairsegnet', refine: 'none' }, { name: 'HairSegNet + guided filter', arch: 'hairsegnet', refine: 'guided' },
    { name: 'HairMatteNet', arch: 'hairmattenet', refine: 'none' }, { name: 'HairMatteNet + guided filter', arch: 'hairmattenet', refine: 'guided' },
    { name: 'HairMatteNet 480', arch: 'hairmattenet', refine: 'none', inputSize: 480 },
  ];
  store.speed = { before: machine(), rows: [] };
  log('speed in Node');
  store.speed.rows.push(...await nodeSpeed(variants, [1, 2]));
  save();
  const skip = await browserSkipReason();
  if (skip) store.speed.browserMissing = skip;
  else {
    log('speed in Chromium');
    const page = await openEvalPage();
    try {
      store.speed.rows.push(...await browserSpeed(page, variants, [1, 2]));
    } finally {
      await page.close();
    }
  }
  save();
  log('benchmarks/peers --json');
  store.speed.peers = peerBenchmark();
  store.speed.after = machine();
  save();
}

async function stepFigures() {
  store.figures = await makeFigures(MODELS);
  save();
}

const STEP_FUNCTIONS = { quality: stepQuality, stills: stepStills, 'stills-timing': stepStillsTiming, mediapipe: stepMediaPipe, size: stepSize, table2: stepTable2, speed: stepSpeed, figures: stepFigures };
for (const step of steps) {
  if (dataMissing && step !== 'speed' && step !== 'figures') { log(`${step}: skipped, ${dataMissing}`); continue; }
  await STEP_FUNCTIONS[step]();
}
store.samples = { count: samples.length, limitPerSource: limit || null };
// training/evaluate.py's PyTorch results for the same files, when its JSON is there (runs/eval_<arch>.json).
store.pytorch = {};
for (const arch of ['hairmattenet', 'hairsegnet']) {
  const file = path.join(REPO_ROOT, 'runs', `eval_${arch}.json`);
  if (!fs.existsSync(file) || !store.quality?.[arch]?.groups) continue;
  const py = JSON.parse(fs.readFileSync(file, 'utf8').replace(/\bNaN\b/g, 'null'));  // Python writes NaN
  if (py.model !== path.basename(store.quality[arch].model.file)) continue;
  store.pytorch[arch] = { file: path.relative(REPO_ROOT, file), inputSize: py.input_size, groups: py.groups };
}
// Whether each measured file is (still) byte-identical to the committed models/<arch>.hmm.
store.shipped = {};
for (const arch of ['hairmattenet', 'hairsegnet']) {
  const measured = store.quality?.[arch]?.model?.file, shipped = path.join(REPO_ROOT, 'models', `${arch}.hmm`);
  if (measured && fs.existsSync(path.join(REPO_ROOT, measured)) && fs.existsSync(shipped)) {
    store.shipped[arch] = fs.readFileSync(path.join(REPO_ROOT, measured)).equals(fs.readFileSync(shipped));
  }
}
save();
const out = path.join(REPO_ROOT, 'docs', 'RESULTS.md');
// --carry-from FILE: sections of an earlier report whose measurements are not in the store (their step was
// not run here) are copied from it, marked with that report's date, instead of reading "not measured".
const carryFrom = arg('carry-from', null);
const previous = carryFrom ? fs.readFileSync(path.resolve(carryFrom), 'utf8') : null;
fs.writeFileSync(out, renderReport(store, { previous }));
log(`wrote ${path.relative(REPO_ROOT, out)}`);
