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

// The kernels' naming and test coverage (src/kernels/kernels.h, docs/ARCHITECTURE.md "Kernels"): every
// fp32 operator with a __wasmsimd variant has a __scalar twin, and both the native tests (SIMDe, under
// sanitizers) and the wasm check above compare the two, so no optimised kernel ships untested.
test('every __wasmsimd kernel has a __scalar twin, and both test suites compare the two', () => {
  const read = (...parts) => fs.readFileSync(path.join(REPO_ROOT, ...parts), 'utf8');
  const kernelsH = read('src', 'kernels', 'kernels.h');
  const declared = (isa) => new Set([...kernelsH.matchAll(new RegExp(`void (f32_[a-z0-9_]+)__${isa}\\(`, 'g'))]
    .map((m) => m[1]));
  const simd = declared('wasmsimd'), scalar = declared('scalar');
  assert.ok(simd.size >= 6, `wasmsimd variants: ${[...simd].join(', ')}`);
  assert.deepEqual([...simd].filter((op) => !scalar.has(op)), [], 'wasmsimd variants without a scalar twin');
  // One file per variant, named after it.
  const files = new Set(fs.readdirSync(path.join(REPO_ROOT, 'src', 'kernels')));
  for (const op of scalar) assert.ok(files.has(`${op}__scalar.cc`), `src/kernels/${op}__scalar.cc`);
  for (const op of simd) assert.ok(files.has(`${op}__wasmsimd.cc`), `src/kernels/${op}__wasmsimd.cc`);
  for (const suite of [['tests', 'native', 'kernels_test.cc'], ['tests', 'wasm', 'kernels_check.cc']]) {
    const text = read(...suite);
    const untested = [...simd].filter((op) => !text.includes(`${op}__wasmsimd(`) || !text.includes(`${op}__scalar(`));
    assert.deepEqual(untested, [], `${suite.join('/')} does not compare these operators' variants`);
  }
});
