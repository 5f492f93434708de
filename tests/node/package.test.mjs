// What `npm pack` publishes (package.json "files"): exactly what users need (the wasm builds and their
// glue, the bundled models, the JS API and its types, the widget, the CLI) and nothing else (no tests,
// training, C++ sources, runs, nor anything from ../shared); every relative import inside the package
// resolves to a packed file; the README states the package's sizes as measured here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';

const run = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });
const report = run.status === 0 ? JSON.parse(run.stdout)[0] : null;
const files = report ? report.files.map((f) => f.path).sort() : [];
const packed = new Set(files);

test('npm pack --dry-run succeeds', () => {
  assert.equal(run.status, 0, run.stderr);
  assert.equal(report.name, 'hairmatte');
});

test('the package holds every file users need', () => {
  const needed = [
    'package.json', 'README.md',
    'dist/hairmatte-simd.mjs', 'dist/hairmatte-simd.wasm',
    'dist/hairmatte-simd-threads.mjs', 'dist/hairmatte-simd-threads.wasm', 'dist/hairmatte-simd-threads.worker.js',
    'dist/hairmatte-plain.mjs', 'dist/hairmatte-plain.wasm',
    'bindings/js/bundled-models.mjs', 'bindings/js/constants.mjs',  // the engine's facts (generated)
    'bindings/js/node-codec.mjs',
    // Node's own: the pthread build's glue and worker (worker_threads; dist/node/package.json is
    // { "type": "commonjs" } for the worker script) and the CLI's image codec.
    'dist/node/hairmatte-simd-threads.mjs', 'dist/node/hairmatte-simd-threads.worker.js', 'dist/node/package.json',
    'dist/node/hairmatte-codec.mjs', 'dist/node/hairmatte-codec.wasm',
    'dist/models/hairmattenet.hmm', 'dist/models/hairsegnet.hmm', 'LICENSE',
    'dist/models/hairmattenet.md', 'dist/models/hairsegnet.md',  // model cards: the data's licence terms
    'bindings/js/index.mjs', 'bindings/js/index.d.ts', 'bindings/js/loader.mjs', 'bindings/js/model-source.mjs',
    'web/widget.mjs', 'web/widget.d.ts', 'web/widget/messages.mjs', 'bin/hairmatte.mjs',
  ];
  assert.deepEqual(needed.filter((f) => !packed.has(f)), []);
  // Every entry point package.json names is packed.
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
  for (const entry of Object.values(pkg.exports)) {
    targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
  }
  // A subpath pattern ('./models/*': './dist/models/*') must match packed files.
  const found = (t) => (t.endsWith('*') ? files.some((f) => f.startsWith(t.slice(0, -1))) : packed.has(t));
  assert.deepEqual(targets.map((t) => path.posix.normalize(t)).filter((t) => !found(t)), []);
});

test('the package holds nothing else: no tests, training, sources, runs or shared data', () => {
  const forbidden = files.filter((f) =>
    /^(tests|training|src|runs|build|benchmarks|evaluation|tools|scripts|docs|models|node_modules|test-artifacts|\.ci)\//.test(f) ||
    /\.(cc|h|py|pt|pth|onnx|npz|jpg|jpeg|png|y4m|enc|log)$/i.test(f) || /shared|holdout|portrait/i.test(f));
  assert.deepEqual(forbidden, []);
  const allowed = [
    /^(README\.md|package\.json|LICENSE(\.\w+)?)$/,
    /^bin\/[\w-]+\.mjs$/,
    /^bindings\/js\/[\w-]+\.(mjs|d\.ts)$/,
    /^dist\/hairmatte-(simd|simd-threads|plain)\.(mjs|wasm)$/,
    /^dist\/hairmatte-simd-threads\.worker\.js$/,
    /^dist\/node\/hairmatte-(simd-threads\.mjs|simd-threads\.worker\.js|codec\.mjs|codec\.wasm)$/,
    /^dist\/node\/package\.json$/,
    /^dist\/models\/[\w-]+\.(hmm|md)$/,
    /^web\/(widget|tryon-session)\.mjs$/,
    /^web\/widget\.d\.ts$/,
    /^web\/(color|engine|renderer|widget)\/[\w-]+\.mjs$/,
    /^web\/README\.md$/,
  ];
  assert.deepEqual(files.filter((f) => !allowed.some((re) => re.test(f))), []);
  // The bundled models are the trained ones from models/ (copied by the build), not stray files.
  for (const f of files.filter((name) => name.startsWith('dist/models/'))) {
    const source = path.join(REPO_ROOT, 'models', path.basename(f));
    assert.ok(fs.existsSync(source), `${f} has no source in models/`);
  }
});

test('no packed file is a copy of a file in ../shared', () => {
  const shared = path.resolve(REPO_ROOT, '..', 'shared');
  if (!fs.existsSync(shared)) return;
  const sizes = new Map(report.files.map((f) => [f.size, f.path]));
  const hash = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const copies = [];
  let compared = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) { walk(full); continue; }
      if (!entry.isFile() || entry.name === 'holdout.enc') continue;  // never opened
      const size = fs.statSync(full).size;
      // Only same-size files are read (a handful at most), and only tiny files are not worth comparing.
      if (size > 64 && sizes.has(size)) {
        compared++;
        if (hash(full) === hash(path.join(REPO_ROOT, sizes.get(size)))) copies.push(`${sizes.get(size)} == ${full}`);
      }
    }
  };
  walk(shared);
  assert.deepEqual(copies, [], `${compared} same-size files compared`);
});

// Relative specifiers of static imports, literal dynamic imports and new URL('...', import.meta.url).
function relativeReferences(source) {
  const refs = [];
  const patterns = [
    /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
    /\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) refs.push(m[1]);
  return refs;
}

test('every relative import or URL in the packed JS points to a packed file', () => {
  const missing = [];
  let checked = 0;
  // (The glue in dist/ too: the browser glue names its wasm and worker by new URL.)
  for (const file of files.filter((f) => /\.(mjs|js)$/.test(f))) {
    const source = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const ref of relativeReferences(source)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), ref));
      checked++;
      // A folder URL (ending in /) must hold packed files.
      const ok = ref.endsWith('/') ? files.some((f) => f.startsWith(target)) : packed.has(target);
      if (!ok) missing.push(`${file}: ${ref}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked > 20, `only ${checked} references found: the patterns are broken`);
});

test('the README states the download and unpacked sizes measured by npm pack (within 5%)', (t) => {
  const mb = (bytes) => bytes / 1e6;
  t.diagnostic(`packed ${report.size} bytes (${mb(report.size).toFixed(1)} MB), unpacked ${report.unpackedSize} bytes ` +
    `(${mb(report.unpackedSize).toFixed(1)} MB), ${report.entryCount} files`);
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const m = readme.match(/([\d.]+) MB to download[^\n]*?([\d.]+) MB unpacked/);
  assert.ok(m, 'README: "<n> MB to download ... <n> MB unpacked" not found');
  const [download, unpacked] = [Number(m[1]), Number(m[2])];
  assert.ok(Math.abs(download - mb(report.size)) <= 0.05 * mb(report.size),
    `README says ${download} MB to download, npm pack says ${mb(report.size).toFixed(2)} MB`);
  assert.ok(Math.abs(unpacked - mb(report.unpackedSize)) <= 0.05 * mb(report.unpackedSize),
    `README says ${unpacked} MB unpacked, npm pack says ${mb(report.unpackedSize).toFixed(2)} MB`);
});
