// `hairmatte bench`: milliseconds per segment() call on a size x size frame, through the public API.
import { HairMatte, BUNDLED_MODELS } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';

const MIN_RUNS = 30;
const BUILDS = ['auto', 'simd-threads', 'simd', 'plain'];

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// A deterministic frame with texture everywhere (a constant frame could flatter some kernels).
function syntheticFrame(size) {
  const data = new Uint8Array(size * size * 4);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return { data, width: size, height: size };
}

export async function runBench(args) {
  if (args._.length) throw new UsageError(`bench takes no positional arguments (got '${args._[0]}')`);
  const modelName = args.model ?? BUNDLED_MODELS[0];
  const size = args.size ?? 224;
  const runs = args.runs ?? MIN_RUNS;
  const warmup = args.warmup ?? 5;
  if (size < 32 || size % 32 !== 0) throw new UsageError(`--size must be a positive multiple of 32, got ${size}`);
  if (runs < MIN_RUNS) throw new UsageError(`--runs must be at least ${MIN_RUNS}, got ${runs}`);
  const build = args.build ?? 'auto';
  if (!BUILDS.includes(build)) throw new UsageError(`--build must be one of ${BUILDS.join(', ')}, got '${build}'`);
  const { model, refine, threadList } = engineOptions({ ...args, allowThreadList: true }, { size });
  // A conflict between options is a usage error (exit 2) like any other bad option, found before loading.
  const many = threadList.find((t) => t > 1);
  if ((build === 'simd' || build === 'plain') && many) {
    throw new UsageError(`the '${build}' build runs on one thread, but threads is ${many}`);
  }

  const frame = syntheticFrame(size);
  const rows = [];
  for (const threads of threadList) {
    const hm = await HairMatte.create({ model, threads, refine, build, inputSize: args['random-weights'] ? undefined : size });
    try {
      for (let i = 0; i < warmup; i++) hm.segment(frame);
      const times = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        hm.segment(frame);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const median = quantile(times, 0.5);
      rows.push({
        model: hm.info.model,
        weights: args['random-weights'] ? 'random' : modelName,
        precision: hm.info.precision ?? 'fp32',
        size,
        threads: hm.info.threads,
        build: hm.info.build,
        refine,
        runs,
        medianMs: +median.toFixed(3),
        p10Ms: +quantile(times, 0.1).toFixed(3),
        p90Ms: +quantile(times, 0.9).toFixed(3),
        gflops: +((2 * hm.info.multiplyAdds) / (median * 1e6)).toFixed(2),
        node: process.version,
      });
    } finally {
      hm.dispose();
    }
  }
  if (args.json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    printTable(rows);
  }
  return 0;
}

function printTable(rows) {
  const columns = [
    ['model', (r) => r.model], ['weights', (r) => r.weights], ['size', (r) => r.size],
    ['threads', (r) => r.threads], ['build', (r) => r.build], ['refine', (r) => r.refine],
    ['median ms', (r) => r.medianMs.toFixed(2)],
    ['p10 ms', (r) => r.p10Ms.toFixed(2)], ['p90 ms', (r) => r.p90Ms.toFixed(2)],
    ['GFLOP/s', (r) => r.gflops.toFixed(1)],  // int8: GOP/s (two int8 operations per multiply-add)
    ['precision', (r) => r.precision],
  ];
  const cells = [columns.map(([h]) => h), ...rows.map((r) => columns.map(([, f]) => String(f(r))))];
  const widths = columns.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  for (const row of cells) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  console.log(`(${rows[0].runs} timed runs after warm-up, segment() on a ${rows[0].size}x${rows[0].size} frame, Node ${process.version})`);
}
