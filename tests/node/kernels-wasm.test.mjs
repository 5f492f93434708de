// The kernels' optimised/scalar agreement in real wasm SIMD128 (tests/wasm/kernels_check.cc, and
// tests/wasm/qs8_kernels_check.cc for the int8 kernels), beside the
// native tests that run the same sources through SIMDe. Builds the check with emcc (Emscripten, installed by
// scripts/setup.sh) into build/wasm-kernels-check/ and runs it with Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';

const emcc = spawnSync('emcc', ['--version'], { encoding: 'utf8' });
const noEmcc = emcc.error ? 'emcc (Emscripten) is not installed' : false;

// Builds tests/wasm/<name>.cc with every kernel source into build/wasm-kernels-check/ and runs it in Node.
function buildAndRun(name) {
  const out = path.join(REPO_ROOT, 'build', 'wasm-kernels-check');
  fs.mkdirSync(out, { recursive: true });
  const kernels = fs.readdirSync(path.join(REPO_ROOT, 'src', 'kernels')).filter((f) => f.endsWith('.cc'))
    .map((f) => path.join(REPO_ROOT, 'src', 'kernels', f));
  const js = path.join(out, `${name}.cjs`);
  const build = spawnSync('emcc', ['-O2', '-msimd128', '-fno-exceptions', '-std=c++17', `-I${path.join(REPO_ROOT, 'src')}`,
    ...kernels, path.join(REPO_ROOT, 'tests', 'wasm', `${name}.cc`),
    '-sALLOW_MEMORY_GROWTH', '-sENVIRONMENT=node', '-sSINGLE_FILE', '-o', js],
  { encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });  // emcc's acorn (TOOLCHAIN.md)
  assert.equal(build.status, 0, build.stderr);
  // The checks refuse to compile without -msimd128, so the optimised kernels run real SIMD128 here.
  const run = spawnSync(process.execPath, [js], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /checked \d+ cases, 0 failed/);
}

test('every SIMD128 kernel matches its scalar reference in wasm on random shapes', { skip: noEmcc, timeout: 300000 }, () => {
  buildAndRun('kernels_check');
});

test('every int8 (QS8) SIMD128 kernel equals its scalar reference byte for byte in wasm', { skip: noEmcc, timeout: 300000 }, () => {
  buildAndRun('qs8_kernels_check');
});

test('the int8 network\'s first convolution and head equal their scalar references in wasm', { skip: noEmcc, timeout: 300000 }, () => {
  buildAndRun('qs8_io_kernels_check');
});

// The kernels' naming and test coverage (src/kernels/kernels.h, qs8_kernels.h, qs8_io_kernels.h;
// docs/ARCHITECTURE.md "Kernels"): every operator with a __wasmsimd variant has a __scalar twin, each variant
// its own file named after it, and both the native tests (SIMDe, under sanitizers) and the wasm checks above
// compare the two, so no optimised kernel ships untested. Returns what is missing (empty: nothing).
function kernelCoverageProblems({ prefix, headers, files, suites, minOperators }) {
  const problems = [];
  const declared = (isa) => new Set(headers.flatMap((text) => [...text.matchAll(
    new RegExp(`void (${prefix}_[a-z0-9_]+)__${isa}\\(`, 'g'))].map((m) => m[1])));
  const simd = declared('wasmsimd'), scalar = declared('scalar');
  if (simd.size < minOperators) problems.push(`only ${simd.size} ${prefix} __wasmsimd variants declared: ${[...simd].join(', ')}`);
  for (const op of simd) if (!scalar.has(op)) problems.push(`${op}__wasmsimd has no __scalar twin`);
  for (const op of scalar) if (!files.has(`${op}__scalar.cc`)) problems.push(`no file src/kernels/${op}__scalar.cc`);
  for (const op of simd) if (!files.has(`${op}__wasmsimd.cc`)) problems.push(`no file src/kernels/${op}__wasmsimd.cc`);
  for (const [name, text] of Object.entries(suites)) {
    for (const op of simd) {
      if (!text.includes(`${op}__wasmsimd(`) || !text.includes(`${op}__scalar(`)) problems.push(`${name} does not compare ${op}'s variants`);
    }
  }
  return problems;
}

const read = (...parts) => fs.readFileSync(path.join(REPO_ROOT, ...parts), 'utf8');
const kernelFiles = () => new Set(fs.readdirSync(path.join(REPO_ROOT, 'src', 'kernels')));
const f32Coverage = () => ({
  prefix: 'f32', minOperators: 6, files: kernelFiles(),
  headers: [read('src', 'kernels', 'kernels.h')],
  suites: { 'tests/native/kernels_test.cc': read('tests', 'native', 'kernels_test.cc'),
    'tests/wasm/kernels_check.cc': read('tests', 'wasm', 'kernels_check.cc') },
});
// The int8 operators are split over two headers and two files per suite (the middle operators; the first
// convolution and the head): a suite is the two files together.
const qs8Coverage = () => ({
  prefix: 'qs8', minOperators: 6, files: kernelFiles(),
  headers: [read('src', 'kernels', 'qs8_kernels.h'), read('src', 'kernels', 'qs8_io_kernels.h')],
  suites: { 'tests/native/qs8_*_test.cc': read('tests', 'native', 'qs8_kernels_test.cc') + read('tests', 'native', 'qs8_io_kernels_test.cc'),
    'tests/wasm/qs8_*_check.cc': read('tests', 'wasm', 'qs8_kernels_check.cc') + read('tests', 'wasm', 'qs8_io_kernels_check.cc') },
});

test('every __wasmsimd kernel has a __scalar twin, and both test suites compare the two', () => {
  assert.deepEqual(kernelCoverageProblems(f32Coverage()), []);
  assert.deepEqual(kernelCoverageProblems(qs8Coverage()), []);
});

// The check above on altered copies of the real sources: each kind of gap is reported, by name.
test('the twin check reports a missing twin, file or comparison (and the int8 operators\' old names)', () => {
  for (const coverage of [f32Coverage, qs8Coverage]) {
    const c = coverage();
    const op = c.prefix === 'f32' ? 'f32_dwconv3x3_minmax' : 'qs8_dwconv3x3_minmax_fp32';
    const noTwin = { ...c, headers: c.headers.map((h) => h.replace(`void ${op}__scalar(`, `void ${op}_old(`)) };
    assert.ok(kernelCoverageProblems(noTwin).includes(`${op}__wasmsimd has no __scalar twin`));
    const files = new Set(c.files);
    files.delete(`${op}__wasmsimd.cc`);
    assert.ok(kernelCoverageProblems({ ...c, files }).includes(`no file src/kernels/${op}__wasmsimd.cc`));
    const [suite] = Object.keys(c.suites);
    const untested = { ...c, suites: { ...c.suites, [suite]: c.suites[suite].replaceAll(`${op}__scalar(`, 'x(') } };
    assert.ok(kernelCoverageProblems(untested).includes(`${suite} does not compare ${op}'s variants`));
  }
  // The int8 declarations as they were before the rename (qs8_op and qs8_op_scalar): no variant is found.
  const c = qs8Coverage();
  const old = c.headers.map((h) => h.replace(/void (qs8_[a-z0-9_]+?)(_minmax)?(_fp32)?__(wasmsimd|scalar)\(/g,
    (m, op, mm, fp, isa) => `void ${op}${isa === 'scalar' ? '_scalar' : ''}(`));
  assert.match(kernelCoverageProblems({ ...c, headers: old }).join('\n'), /only 0 qs8 __wasmsimd variants/);
});
