// One benchmark process at one thread count (tfjs-backend-wasm and onnxruntime-web fix their thread
// count per process): builds every engine on the same model files, checks that their outputs agree on
// the same input, then times them interleaved, in a new seeded order every round, so that all share the noise of the machine.
import fs from 'node:fs';
import { buildGraph, countMultiplyAdds, ARCH_NAMES } from './architecture.mjs';
import { readModelFile, weightsForGraph } from './model-file.mjs';
import { uniformStream } from './random-weights.mjs';
import { createTfjsRunner } from './tfjs-net.mjs';
import { createOnnxRunner } from './onnx-net.mjs';
import { createHairMatteRunner, hairmatteUnavailableReason } from './hairmatte-net.mjs';
import { findHmInfer, nativeProbability, HM_INFER_MISSING } from './native-probability.mjs';

export const ENGINES = ['hairmatte', 'tfjs-wasm', 'onnxruntime-web'];
const NATIVE_FLOAT = 'hairmatte-native-float';  // parity only: tools/hm_infer's float32 P(hair)
const ALPHA8_HALF_STEP = 0.5 / 255;  // an 8-bit alpha is within half a step of the probability it rounds

// A size x size RGBA frame with smooth structure plus seeded noise (the same for every engine).
export function testFrame(size, seed = 12345) {
  const next = uniformStream(seed);
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const u = x / size;
      const v = y / size;
      const wave = [Math.sin(9 * u + 3 * v), Math.cos(7 * v - 4 * u), Math.sin(5 * (u + v))];
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.max(0, Math.min(255, Math.round(128 + 90 * wave[c] + 60 * (next() - 0.5))));
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

export function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`outputs differ in length: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function spread(p) {
  let min = Infinity, max = -Infinity, sum = 0, sq = 0;
  for (const v of p) { min = Math.min(min, v); max = Math.max(max, v); sum += v; sq += v * v; }
  const mean = sum / p.length;
  return { min, max, std: Math.sqrt(Math.max(0, sq / p.length - mean * mean)) };
}

export function percentile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function createRunner(engine, common) {
  if (engine === 'tfjs-wasm') return createTfjsRunner(common);
  if (engine === 'onnxruntime-web') return createOnnxRunner(common);
  return createHairMatteRunner(common);
}

// config: { threads, size, runs, warmup, tolerance, engines, models: [{arch, file}] }
// Returns { threads, skipped: [{engine, reason}], parity: [...], rows: [...], ok }.
export async function runSession(config, log = (m) => process.stderr.write(`${m}\n`)) {
  const { threads, size, runs, warmup, tolerance } = config;
  const skipped = [];
  let engines = config.engines;
  const reason = hairmatteUnavailableReason(threads);
  if (engines.includes('hairmatte') && reason) {
    skipped.push({ engine: 'hairmatte', reason });
    engines = engines.filter((e) => e !== 'hairmatte');
  }
  const frame = testFrame(size);
  const hmInfer = config.engines.includes('hairmatte') ? findHmInfer() : null;
  if (config.engines.includes('hairmatte') && !hmInfer) skipped.push({ engine: NATIVE_FLOAT, reason: HM_INFER_MISSING });
  const subjects = [];  // { arch, engine, runner, macs }
  const nativeOutputs = [];  // { arch, output } of hm_infer, compared with every engine of that arch
  for (const { file } of config.models) {
    const modelBytes = fs.readFileSync(file);
    const model = readModelFile(modelBytes);
    const graph = buildGraph(model);
    const weights = weightsForGraph(model, graph);
    const macs = countMultiplyAdds(graph, size);
    if (hmInfer) nativeOutputs.push({ arch: ARCH_NAMES[model.arch], output: nativeProbability(hmInfer, file, frame, size) });
    for (const engine of engines) {
      log(`[${threads} thread${threads > 1 ? 's' : ''}] loading ${ARCH_NAMES[model.arch]} in ${engine}`);
      const runner = await createRunner(engine, { graph, weights, modelBytes, size, threads });
      if (runner.info?.multiplyAdds && Math.abs(runner.info.multiplyAdds - macs) > 1) {
        throw new Error(`${engine} counts ${runner.info.multiplyAdds} multiply-adds, the graph ${macs}`);
      }
      runner.setInput(frame);
      subjects.push({ arch: ARCH_NAMES[model.arch], engine, runner, macs });
    }
  }

  // Parity first: every pair of engines on the same input and weights.
  const parity = [];
  let ok = true;
  const outputs = new Map();
  for (const s of subjects) outputs.set(s, await s.runner.run());
  // A runner with toOutputSpace (our engine: 8-bit alpha after matte levels) is compared in its own space.
  const check = (arch, engines, a, b, alpha8, runnerOfB) => {
    const limit = tolerance + (alpha8 ? runnerOfB?.alphaTolerance ?? ALPHA8_HALF_STEP : 0);
    const diff = maxAbsDiff(runnerOfB?.toOutputSpace ? runnerOfB.toOutputSpace(a) : a, b);
    const pass = diff <= limit;
    ok &&= pass;
    parity.push({ arch, threads, size, engines, maxAbsDiff: diff, limit, alpha8, pass, spread: spread(a) });
  };
  for (const n of nativeOutputs) {
    for (const s of subjects.filter((x) => x.arch === n.arch)) {
      check(n.arch, [NATIVE_FLOAT, s.engine], n.output, outputs.get(s), Boolean(s.runner.outputIsAlpha8), s.runner);
    }
  }
  for (let i = 0; i < subjects.length; i++) {
    for (let j = i + 1; j < subjects.length; j++) {
      let a = subjects[i];
      let b = subjects[j];
      if (a.arch !== b.arch) continue;
      if (a.runner.toOutputSpace) [a, b] = [b, a];  // the float side is mapped into the alpha side's space
      const alpha8 = Boolean(a.runner.outputIsAlpha8 || b.runner.outputIsAlpha8);
      check(a.arch, [a.engine, b.engine], outputs.get(a), outputs.get(b), alpha8, b.runner);
    }
  }
  // Our int8 network (config.int8Models): timed beside the others, never gated by the parity check (int8
  // is not float: it is compared with the fp32 engine for information, when both have the same shape).
  for (const { file } of config.int8Models ?? []) {
    if (!config.engines.includes('hairmatte') || skipped.some((k) => k.engine === 'hairmatte')) break;
    const modelBytes = fs.readFileSync(file);
    const model = readModelFile(modelBytes);
    const arch = ARCH_NAMES[model.arch];
    log(`[${threads} thread${threads > 1 ? 's' : ''}] loading ${arch} int8 in hairmatte`);
    const runner = await createHairMatteRunner({ modelBytes, size, threads });
    if (runner.info.precision !== 'int8') throw new Error(`${file}: hairmatte runs it as ${runner.info.precision}, not int8`);
    runner.setInput(frame);
    // which int8 network (several may be timed side by side): its width and decoder depth
    const shape = `w${model.widthPermille / 1000} d${model.decoderDepth}`;
    const subject = { arch, engine: 'hairmatte-int8', shape, runner, macs: countMultiplyAdds(buildGraph(model), size) };
    const output = await runner.run();
    const fp32 = subjects.find((s) => s.arch === arch && s.engine === 'hairmatte');
    if (fp32 && fp32.macs === subject.macs) {
      parity.push({ arch, threads, size, engines: ['hairmatte', 'hairmatte-int8'], maxAbsDiff: maxAbsDiff(outputs.get(fp32), output),
        limit: Infinity, alpha8: true, pass: true, informational: true, spread: spread(output) });
    }
    subjects.push(subject);
  }
  const rows = [];
  if (ok) {
    const times = new Map(subjects.map((s) => [s, []]));
    // A new seeded order every round, so that no engine always follows the same one. (A rotation of one
    // order did not do that: each engine kept its predecessor, and with 2 threads the int8 rows always ran
    // right after onnxruntime-web, whose worker threads keep spinning after a run and took the second core:
    // int8 on 2 threads measured 58.8 ms there, 39.8 ms without onnxruntime-web in the run.)
    const nextUniform = uniformStream(2026);
    for (let r = -warmup; r < runs; r++) {
      const order = subjects.slice();
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(nextUniform() * (k + 1));
        [order[k], order[j]] = [order[j], order[k]];
      }
      for (const s of order) {
        const t0 = performance.now();
        await s.runner.run();
        const ms = performance.now() - t0;
        if (r >= 0) times.get(s).push(ms);
      }
      if (r >= 0 && (r + 1) % 10 === 0) log(`[${threads} thread${threads > 1 ? 's' : ''}] ${r + 1}/${runs} rounds`);
    }
    for (const s of subjects) {
      const sorted = times.get(s).slice().sort((x, y) => x - y);
      const median = percentile(sorted, 0.5);
      rows.push({ arch: s.arch, size, threads, engine: s.engine, version: s.runner.version, runs: sorted.length,
        ...(s.shape ? { shape: s.shape } : {}),
        medianMs: median, p10Ms: percentile(sorted, 0.1), p90Ms: percentile(sorted, 0.9), minMs: sorted[0],
        multiplyAdds: s.macs, gflops: (2 * s.macs) / (median * 1e6) });
    }
  }
  for (const s of subjects) await s.runner.dispose();
  return { threads, skipped, parity, rows, ok };
}
