// ms per frame of every variant: our engine in Node and in the Chromium page (1 and 2 threads), MediaPipe's
// hair segmenter in the same page, and the peers of benchmarks/peers (tfjs-wasm, onnxruntime-web running
// our architecture) through its --json. Random weights: the work per frame does not depend on the weights.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../bindings/js/index.mjs';
import { REPO_ROOT } from './browser/server.mjs';

export const SPEED_FRAME = { width: 640, height: 480 };

// A deterministic 640x480 frame with texture everywhere (like `hairmatte bench`'s).
export function speedFrame({ width, height } = SPEED_FRAME) {
  const data = new Uint8Array(width * height * 4);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = i % 4 === 3 ? 255 : state >>> 24;
  }
  return { data, width, height };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
export const summarise = (times) => ({ medianMs: median(times), p10Ms: p(times, 0.1), p90Ms: p(times, 0.9), runs: times.length });

// variants: [{ name, arch, refine, inputSize }] -> create options of a random-weight model.
export const engineOptions = (v, threads) => ({
  model: { random: v.arch, inputSize: v.inputSize }, refine: v.refine, threads, temporal: 0, trackHead: false,
});

// The machine's load changes from second to second (shared cores), so the engines are timed round-robin:
// `rounds` rounds, each timing `runs / rounds` calls of every engine in turn, after `warmup` calls each.
async function roundRobin(engines, { runs, warmup, rounds }) {
  const times = engines.map(() => []);
  for (const e of engines) await e.time(warmup);
  for (let r = 0; r < rounds; r++) {
    for (const [k, e] of engines.entries()) times[k].push(...await e.time(Math.ceil(runs / rounds), false));
  }
  return times;
}

export async function nodeSpeed(variants, threadList, { runs = 30, warmup = 5, rounds = 3 } = {}) {
  const frame = speedFrame();
  const engines = [];
  for (const v of variants) {
    for (const threads of threadList) {
      const hm = await HairMatte.create(engineOptions(v, threads));
      engines.push({ v, hm, time: (n) => {
        const out = [];
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          hm.segment(frame);
          out.push(performance.now() - t0);
        }
        return out;
      } });
    }
  }
  const times = await roundRobin(engines, { runs, warmup, rounds });
  const rows = engines.map((e, k) => ({ variant: e.v.name, where: 'Node', threads: e.hm.info.threads, ...summarise(times[k]) }));
  for (const e of engines) e.hm.dispose();
  return rows;
}

// page: openEvalPage(); our engines and MediaPipe in one page, timed round-robin.
export async function browserSpeed(page, variants, threadList, { runs = 30, warmup = 5, rounds = 3 } = {}) {
  const frame = speedFrame();
  const engines = [];
  for (const v of variants) {
    for (const threads of threadList) {
      const name = `${v.name}@${threads}`;
      const info = await page.addEngine(name, engineOptions(v, threads));  // one wasm instance each
      engines.push({ variant: v.name, threads: info.threads, time: (n) => page.time(name, frame, n, 0) });
    }
  }
  await page.addMediaPipe('mediapipe-speed');
  engines.push({ variant: 'MediaPipe hair segmenter', threads: 1, time: (n) => page.time('mediapipe-speed', frame, n, 0) });
  const times = await roundRobin(engines, { runs, warmup, rounds });
  return engines.map((e, k) => ({ variant: e.variant, where: 'Chromium', threads: e.threads, ...summarise(times[k]) }));
}

// benchmarks/peers at 224x224 (network only, no pipeline): our engine beside tfjs-wasm and onnxruntime-web,
// one architecture per run (its parity check stops a run that disagrees, which then times nothing).
export function peerBenchmark() {
  const out = { rows: [], failed: [] };
  for (const arch of ['hairmattenet', 'hairsegnet']) {
    const r = spawnSync('node', [path.join(REPO_ROOT, 'benchmarks', 'peers', 'bench-peers.mjs'), '--arch', arch, '--threads', '1,2', '--json'],
      { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 20 * 60 * 1000 });
    let json = null;
    try {
      json = JSON.parse(r.stdout);
    } catch { /* reported below */ }
    const failedParity = (json?.parity ?? []).filter((p) => !p.pass)
      .map((p) => `${p.engines.join(' vs ')} (${p.threads} thread${p.threads > 1 ? 's' : ''}): max |diff| ${p.maxAbsDiff.toFixed(4)} > ${p.limit.toFixed(4)}`);
    if (r.status !== 0 || !json) {
      out.failed.push({ arch, reason: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop(), parity: [...new Set(failedParity)] });
    } else {
      out.size = json.size;
      out.rows.push(...json.rows.map((row) => ({ arch, ...row })));
    }
  }
  return out;
}

export const machine = () => ({ cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, loadAverage: os.loadavg()[0] });
