#!/usr/bin/env node
// End-to-end benchmark: our engine vs tfjs-backend-wasm and onnxruntime-web on the same architecture and
// the same weights, in Node 20. See benchmarks/README.md.
//
//   node benchmarks/peers/bench-peers.mjs [--arch hairmattenet,hairsegnet] [--threads 1,2] [--size 224]
//       [--runs 30] [--warmup 5] [--model FILE]... [--seed 1] [--engines hairmatte,tfjs-wasm,onnxruntime-web]
//       [--tolerance 1e-4] [--int8-model FILE]... [--json]
//   node benchmarks/peers/bench-peers.mjs --report RESULT.json   # re-print the table of a saved --json run
//
// Each thread count runs in its own child process (the peers fix their thread count per process); inside
// it, every (architecture, engine) pair is timed interleaved (a new seeded order every round), so all share the noise of the machine.
// An int8 model (--int8-model, default models/hairmattenet-int8.hmm when present and HairMatteNet is
// benchmarked) adds rows 'hairmatte-int8': our engine's int8 network. The peers have no int8 rows:
// tfjs-backend-wasm has no int8 path for this network, and onnxruntime-web is given the fp32 graph.
// Before timing, the outputs of all engines on the same input are compared; a mismatch stops the run.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { archFromName, ARCH_NAMES } from './architecture.mjs';
import { readModelFile } from './model-file.mjs';
import { randomModelFile } from './random-weights.mjs';
import { runSession, ENGINES } from './peer-session.mjs';
import { formatReport, addSpeedups } from './report.mjs';

const SELF = fileURLToPath(import.meta.url);
const MIN_RUNS = 30;

function usage(message) {
  process.stderr.write(`bench-peers: ${message}\n` +
    'usage: bench-peers.mjs [--arch hairmattenet,hairsegnet] [--threads 1,2] [--size 224] [--runs 30] ' +
    '[--warmup 5] [--model FILE]... [--seed 1] [--engines hairmatte,tfjs-wasm,onnxruntime-web] [--tolerance 1e-4] ' +
    '[--int8-model FILE|none]... [--json]\n');
  process.exit(2);
}

function positiveInteger(name, text) {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) usage(`${name} must be a positive integer, got '${text}'`);
  return v;
}

export function parseArgs(argv) {
  const opts = { archs: ['hairmattenet', 'hairsegnet'], threads: [1, 2], size: 224, runs: MIN_RUNS, warmup: 5,
    models: [], seed: 1, engines: ENGINES.slice(), tolerance: 1e-4, json: false, int8Models: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${flag} needs a value`));
    if (flag === '--arch') opts.archs = value().split(',');
    else if (flag === '--threads') opts.threads = value().split(',').map((t) => positiveInteger('--threads', t));
    else if (flag === '--size') opts.size = positiveInteger('--size', value());
    else if (flag === '--runs') opts.runs = positiveInteger('--runs', value());
    else if (flag === '--warmup') opts.warmup = Number(value());
    else if (flag === '--model') opts.models.push(value());
    else if (flag === '--seed') opts.seed = positiveInteger('--seed', value());
    else if (flag === '--engines') opts.engines = value().split(',');
    else if (flag === '--tolerance') opts.tolerance = Number(value());
    else if (flag === '--json') opts.json = true;
    else if (flag === '--int8-model') opts.int8Models = [...(opts.int8Models ?? []), value()].filter((f) => f !== 'none');
    else usage(`unknown argument '${flag}'`);
  }
  if (opts.size % 32 !== 0) usage(`--size must be a multiple of 32, got ${opts.size}`);
  if (!Number.isInteger(opts.warmup) || opts.warmup < 0) usage('--warmup must be a non-negative integer');
  if (!(opts.tolerance >= 0)) usage('--tolerance must be a non-negative number');
  for (const e of opts.engines) if (!ENGINES.includes(e)) usage(`unknown engine '${e}' (known: ${ENGINES.join(', ')})`);
  try { opts.archs = opts.archs.map((a) => ARCH_NAMES[archFromName(a)]); } catch (e) { usage(e.message); }
  return opts;
}

// The model file of each architecture: given with --model, else seeded random weights in a temp file.
function modelFiles(opts, dir) {
  const given = new Map();
  for (const file of opts.models) {
    const model = readModelFile(fs.readFileSync(file));
    given.set(ARCH_NAMES[model.arch], file);
  }
  return opts.archs.map((arch) => {
    if (given.has(arch)) return { arch, file: path.resolve(given.get(arch)), weights: `file ${path.basename(given.get(arch))}` };
    const file = path.join(dir, `${arch}-random-seed${opts.seed}.hmm`);
    fs.writeFileSync(file, randomModelFile({ arch: archFromName(arch), inputSize: opts.size }, opts.seed));
    return { arch, file, weights: `random (seed ${opts.seed})` };
  });
}

function runChild(config) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, '--child', JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the ${config.threads}-thread benchmark process exited with code ${code}`));
      else resolve(JSON.parse(out));
    });
  });
}

// The int8 models to time: --int8-model, else the bundled models/hairmattenet-int8.hmm when HairMatteNet is
// benchmarked. Each must be an int8 (version 2 or 3) file of a benchmarked architecture.
const DEFAULT_INT8 = path.resolve(path.dirname(SELF), '..', '..', 'models', 'hairmattenet-int8.hmm');
function int8ModelFiles(opts) {
  const files = opts.int8Models ?? (opts.archs.includes('hairmattenet') && fs.existsSync(DEFAULT_INT8) ? [DEFAULT_INT8] : []);
  return files.map((file) => {
    const model = readModelFile(fs.readFileSync(file));
    if (model.precision !== 'int8') usage(`--int8-model ${file} is not an int8 (version 2 or 3) model file`);
    const arch = ARCH_NAMES[model.arch];
    if (!opts.archs.includes(arch)) usage(`--int8-model ${file} is a ${arch}, which is not benchmarked (--arch)`);
    return { arch, file: path.resolve(file), weights: `int8 file ${path.basename(file)} (width ${model.widthPermille / 1000}, depth ${model.decoderDepth})` };
  });
}

async function childMain(configJson) {
  const result = await runSession(JSON.parse(configJson));
  // The peers' worker threads keep Node alive: exit once the result is written.
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

function machine() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', logicalCores: cpus.length, loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
    node: process.version, platform: `${os.type()} ${os.release()}` };
}

// Which engine was measured: the repository commit and when each wasm build was made (dist/ is rebuilt often).
function engineBuild() {
  const root = path.resolve(path.dirname(SELF), '..', '..');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch { /* not a git checkout */ }
  const builds = {};
  for (const name of ['hairmatte-simd.wasm', 'hairmatte-simd-threads.wasm']) {
    const file = path.join(root, 'dist', name);
    if (fs.existsSync(file)) builds[name] = fs.statSync(file).mtime.toISOString();
  }
  return { commit, builds };
}

async function main() {
  if (process.argv[2] === '--child') return childMain(process.argv[3]);
  if (process.argv[2] === '--report') {
    if (!process.argv[3]) usage('--report needs the JSON file of a --json run');
    const report = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
    return process.stdout.write(formatReport(report, { minRuns: MIN_RUNS }));
  }
  const opts = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-bench-peers-'));
  try {
    const models = modelFiles(opts, dir);
    const int8Models = opts.engines.includes('hairmatte') ? int8ModelFiles(opts) : [];
    const before = machine();
    const sessions = [];
    for (const threads of opts.threads) {
      sessions.push(await runChild({ threads, size: opts.size, runs: opts.runs, warmup: opts.warmup,
        tolerance: opts.tolerance, engines: opts.engines, models, int8Models }));
    }
    const report = {
      date: new Date().toISOString(), machine: { ...before, loadAverageAfter: os.loadavg().map((l) => +l.toFixed(2)) },
      engineBuild: engineBuild(),
      size: opts.size, runs: opts.runs, warmup: opts.warmup, tolerance: opts.tolerance,
      models: [...models, ...int8Models].map(({ arch, weights }) => ({ arch, weights })),
      int8: int8Models.length > 0,
      skipped: sessions.flatMap((s) => s.skipped.map((k) => ({ ...k, threads: s.threads }))),
      parity: sessions.flatMap((s) => s.parity),
      rows: addSpeedups(sessions.flatMap((s) => s.rows)),
    };
    const ok = sessions.every((s) => s.ok);
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(formatReport(report, { minRuns: MIN_RUNS }));
    if (!ok) {
      process.stderr.write('bench-peers: the engines disagree on the same input (see the parity check); nothing was timed\n');
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (path.resolve(process.argv[1] ?? '') === SELF) {
  main().catch((e) => {
    process.stderr.write(`bench-peers: ${e.stack || e.message}\n`);
    process.exit(1);
  });
}
