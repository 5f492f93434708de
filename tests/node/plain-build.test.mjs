// The plain (no-SIMD128) build and the loader's choice of build (bindings/js/loader.mjs chooseBuild).
// The plain build must contain no SIMD instruction (engines without SIMD128 reject such a module), must run
// the __scalar kernel variants (its kernel tables: src/kernels/kernel_table.h, src/color/recolor_formula.h),
// and must give the SIMD build's matte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { chooseBuild, BUILDS, SIMD_PROBE, simdSupported } from '../../bindings/js/loader.mjs';
import { REPO_ROOT, DIST, SMALL, randomFrame, smoothFrame, randomModelBytes, referenceMatte, diffStats } from './helpers.mjs';
import { drawSyntheticHead } from '../browser/helpers/synthetic-head.mjs';

const fail = (message) => { throw new Error(`hairmatte: ${message}`); };

// wasm-dis (binaryen, installed with Emscripten) prints the module as text; SIMD128 instructions and types
// all name a vector shape.
const SIMD_TEXT = /\b(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)[.\s)]/;
const wasmDis = spawnSync('wasm-dis', ['--version'], { encoding: 'utf8' });
const noWasmDis = wasmDis.error ? 'wasm-dis (binaryen, with emscripten) is not installed' : false;

function simdLines(wasmFile) {
  const run = spawnSync('wasm-dis', [path.join(DIST, wasmFile)], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.split('\n').filter((line) => SIMD_TEXT.test(line));
}

test('the plain build has no SIMD128 instruction; the SIMD build has many', { skip: noWasmDis }, () => {
  const plain = simdLines('hairmatte-plain.wasm');
  assert.deepEqual(plain.slice(0, 5), [], `${plain.length} SIMD lines in hairmatte-plain.wasm`);
  assert.ok(simdLines('hairmatte-simd.wasm').length > 100, 'the check finds SIMD in the SIMD build');
});

test("the loader's SIMD probe is a valid module whose code is SIMD128 instructions", { skip: noWasmDis }, () => {
  assert.equal(WebAssembly.validate(SIMD_PROBE), true);
  assert.equal(simdSupported(), true);  // Node 20
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-probe-'));
  try {
    fs.writeFileSync(path.join(dir, 'probe.wasm'), SIMD_PROBE);
    const run = spawnSync('wasm-dis', [path.join(dir, 'probe.wasm')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /\(result v128\)/);
    assert.match(run.stdout, /i8x16\.splat/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The symbol maps written beside each build (bindings/CMakeLists.txt --emit-symbol-map, not installed);
// those of the browser builds (bindings/web/), which Node's plain build is too.
function symbols(build) {
  const file = path.join(REPO_ROOT, 'build', `wasm-${build}`, 'bindings', 'web', `hairmatte-${build}.mjs.symbols`);
  return fs.readFileSync(file, 'utf8');
}
const noSymbols = !fs.existsSync(path.join(REPO_ROOT, 'build', 'wasm-plain')) && 'build/wasm-plain is absent (dist/ built elsewhere)';

test('the plain build links the __scalar kernel variants, the SIMD build the __wasmsimd ones', { skip: noSymbols }, () => {
  const plain = symbols('plain');
  const simd = symbols('simd');
  const linked = (map, name) => new RegExp(`:hm::${name}\\\\28`).test(map);
  // The large operators are called, not inlined, so their names show (their SIMD micro-kernels are inlined
  // into them; the small scalar variants may be inlined into their callers).
  for (const op of ['f32_conv1x1_minmax', 'f32_dwconv3x3_minmax', 'f32_conv3x3s2_rgb_minmax']) {
    assert.ok(linked(simd, `${op}__wasmsimd`) && !linked(simd, `${op}__scalar`),
      `SIMD build: ${op}__wasmsimd and not ${op}__scalar`);
    assert.ok(linked(plain, `${op}__scalar`) && !linked(plain, `${op}__wasmsimd`),
      `plain build: ${op}__scalar and not ${op}__wasmsimd`);
  }
  // No wasmsimd variant of any kernel is linked into the plain build (an operator may also be inlined, then
  // no name shows at all), and the SIMD build's recolour runs the SIMD row.
  const kernelsH = fs.readFileSync(path.join(REPO_ROOT, 'src', 'kernels', 'kernels.h'), 'utf8');
  const ops = [...kernelsH.matchAll(/void (f32_[a-z0-9_]+)__wasmsimd\(/g)].map((m) => m[1]);
  assert.ok(ops.length >= 6, `operators with a wasmsimd variant: ${ops.join(', ')}`);
  assert.doesNotMatch(plain, /__wasmsimd|simd128/);
  assert.match(simd, /rgba8_recolor_row__wasmsimd/);
  assert.doesNotMatch(plain, /rgba8_recolor_row__wasmsimd/);
  // The int8 operators (kernels/qs8_kernel_table.h) are named in the same scheme: the large ones show by
  // name in each build, and the plain build's /__wasmsimd/ check above covers every int8 variant too.
  for (const op of ['qs8_conv1x1_minmax_fp32', 'qs8_dwconv3x3_minmax_fp32']) {
    assert.ok(linked(simd, `${op}__wasmsimd`) && !linked(simd, `${op}__scalar`),
      `SIMD build: ${op}__wasmsimd and not ${op}__scalar`);
    assert.ok(linked(plain, `${op}__scalar`) && !linked(plain, `${op}__wasmsimd`),
      `plain build: ${op}__scalar and not ${op}__wasmsimd`);
  }
  const qs8H = ['qs8_kernels.h', 'qs8_io_kernels.h']
    .map((h) => fs.readFileSync(path.join(REPO_ROOT, 'src', 'kernels', h), 'utf8')).join('\n');
  const qs8Ops = [...qs8H.matchAll(/void (qs8_[a-z0-9_]+)__wasmsimd\(/g)].map((m) => m[1]);
  assert.ok(qs8Ops.length >= 6, `int8 operators with a wasmsimd variant: ${qs8Ops.join(', ')}`);
});

test("build: 'plain' loads in Node, and info says so", async () => {
  const hm = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL }, build: 'plain' });
  try {
    assert.equal(hm.info.build, 'plain');
    assert.equal(hm.info.simd, false);
    assert.equal(hm.info.threads, 1);
  } finally {
    hm.dispose();
  }
  const auto = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL } });
  try {
    assert.equal(auto.info.build, 'simd');  // Node 20 has SIMD128
    assert.equal(auto.info.simd, true);
  } finally {
    auto.dispose();
  }
});

test('plain build: a random network matches the float64 reference to 2/255', async () => {
  const bytes = await randomModelBytes('hairmattenet');
  const hm = await HairMatte.create({ model: bytes, refine: 'none', trackHead: false, build: 'plain' });
  try {
    const frame = randomFrame(SMALL.inputSize, SMALL.inputSize, 3);
    const got = hm.segment(frame).data;
    const { max } = diffStats(got, await referenceMatte(bytes, frame, undefined, hm.info.matteLevelLow));
    assert.ok(max <= 2, `max |plain - reference| = ${max}/255`);
    assert.ok(new Set(got).size > 8, `only ${new Set(got).size} distinct alpha values`);
  } finally {
    hm.dispose();
  }
});

test('plain build == SIMD build within 2/255 on the bundled HairMatteNet (matte and recolour)', async () => {
  const options = { model: 'hairmattenet', refine: 'guided' };
  const plain = await HairMatte.create({ ...options, build: 'plain' });
  const simd = await HairMatte.create({ ...options, build: 'simd' });
  try {
    assert.equal(plain.info.build, 'plain');
    assert.equal(simd.info.build, 'simd');
    // Drawn heads with hair: the trained model gives them mattes with many levels (a smooth or noise frame
    // can come out all 0 with trained weights, which would compare nothing).
    const heads = [[320, 240], [160, 200]].map(([w, h]) => ({ data: drawSyntheticHead(w, h).data, width: w, height: h }));
    for (const frame of heads) {
      const a = plain.segment(frame).data;
      const b = simd.segment(frame).data;
      const { max, over1Fraction } = diffStats(a, b);
      assert.ok(max <= 2 && over1Fraction < 0.01,
        `${frame.width}x${frame.height}: max |plain - simd| = ${max}/255, ${(over1Fraction * 100).toFixed(2)}% > 1`);
      assert.ok(new Set(b).size > 8, `only ${new Set(b).size} distinct alpha values`);
      const look = { color: '#8b2252', mode: 'ombre', colorEnd: '#c9a16b' };
      const matte = { width: frame.width, height: frame.height, data: b };
      const recolored = diffStats(plain.recolor(frame, look, matte).data, simd.recolor(frame, look, matte).data);
      // The SIMD recolour is held within one 8-bit step of the scalar formula (tests/native).
      assert.ok(recolored.max <= 1, `recolour: max |plain - simd| = ${recolored.max}`);
    }
  } finally {
    plain.dispose();
    simd.dispose();
  }
});

// V8 gives up wasm SIMD128 when it may not use SSE4.1 (--no-enable-sse4-1): a real engine without SIMD128.
test('in an engine without SIMD128, create() picks the plain build by itself and it runs', async () => {
  const script = `
    import fs from 'node:fs';
    import { HairMatte } from ${JSON.stringify(path.join(REPO_ROOT, 'bindings/js/index.mjs'))};
    const compiles = (f) => { try { new WebAssembly.Module(fs.readFileSync(f)); return true; } catch { return false; } };
    const hm = await HairMatte.create({ model: ${JSON.stringify({ random: 'hairmattenet', ...SMALL })} });
    const frame = { data: new Uint8Array(${JSON.stringify(Array.from(smoothFrame(48, 40).data))}), width: 48, height: 40 };
    console.log(JSON.stringify({
      simdCompiles: compiles(${JSON.stringify(path.join(DIST, 'hairmatte-simd.wasm'))}),
      plainCompiles: compiles(${JSON.stringify(path.join(DIST, 'hairmatte-plain.wasm'))}),
      build: hm.info.build, simd: hm.info.simd, alpha: Array.from(hm.segment(frame).data),
    }));
    hm.dispose();`;
  const run = spawnSync(process.execPath, ['--no-enable-sse4-1', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 120000 });
  assert.equal(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout);
  assert.equal(got.simdCompiles, false, 'the engine still compiles SIMD128: the flag no longer works');
  assert.equal(got.plainCompiles, true);
  assert.equal(got.build, 'plain');
  assert.equal(got.simd, false);
  // The same matte as the plain build in this (SIMD-capable) process.
  const hm = await HairMatte.create({ model: { random: 'hairmattenet', ...SMALL }, build: 'plain' });
  try {
    assert.deepEqual(got.alpha, Array.from(hm.segment(smoothFrame(48, 40)).data));
  } finally {
    hm.dispose();
  }
});

test('chooseBuild: auto picks SIMD+threads, SIMD or plain from the engine features', () => {
  const env = (simd, threads) => ({ simd, threads });
  assert.deepEqual(chooseBuild(1, 'auto', fail, env(true, true)), { build: 'simd', threads: 1 });
  assert.deepEqual(chooseBuild(4, 'auto', fail, env(true, true)), { build: 'simd-threads', threads: 4 });
  assert.deepEqual(chooseBuild(1, 'auto', fail, env(false, true)), { build: 'plain', threads: 1 });
  assert.deepEqual(chooseBuild(1, 'auto', fail, env(false, false)), { build: 'plain', threads: 1 });
  // Threads that cannot work fall back to one thread with one warning for the whole process.
  const warnings = [];
  const warn = console.warn;
  console.warn = (message) => warnings.push(message);
  try {
    assert.deepEqual(chooseBuild(2, 'auto', fail, env(true, false)), { build: 'simd', threads: 1 });
    assert.deepEqual(chooseBuild(2, 'auto', fail, env(false, true)), { build: 'plain', threads: 1 });
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
});

test('chooseBuild: a named build loads as asked or says why it cannot run here', () => {
  const env = { simd: true, threads: true };
  assert.deepEqual(BUILDS, ['auto', 'simd', 'simd-threads', 'plain']);
  assert.deepEqual(chooseBuild(1, 'plain', fail, env), { build: 'plain', threads: 1 });
  assert.deepEqual(chooseBuild(1, 'simd-threads', fail, env), { build: 'simd-threads', threads: 1 });
  assert.deepEqual(chooseBuild(3, 'simd-threads', fail, env), { build: 'simd-threads', threads: 3 });
  assert.throws(() => chooseBuild(2, 'plain', fail, env), /'plain' build runs on one thread, but threads is 2/);
  assert.throws(() => chooseBuild(2, 'simd', fail, env), /'simd' build runs on one thread/);
  assert.throws(() => chooseBuild(1, 'simd', fail, { simd: false, threads: true }), /needs WebAssembly SIMD128/);
  assert.throws(() => chooseBuild(2, 'simd-threads', fail, { simd: true, threads: false }),
    /needs WebAssembly threads.*Cross-Origin-Embedder-Policy: require-corp/);
});

test('create() rejects an unknown or contradictory build and stays usable', async () => {
  const model = { random: 'hairsegnet', ...SMALL };
  await assert.rejects(HairMatte.create({ model, build: 'wasm64' }),
    /build must be one of 'auto', 'simd', 'simd-threads', 'plain', got 'wasm64'/);
  await assert.rejects(HairMatte.create({ model, build: 1 }), /build must be one of/);
  await assert.rejects(HairMatte.create({ model, build: 'plain', threads: 2 }), /'plain' build runs on one thread/);
  const hm = await HairMatte.create({ model, build: 'plain' });
  try {
    assert.equal(hm.segment(smoothFrame(40, 30)).data.length, 40 * 30);
  } finally {
    hm.dispose();
  }
});
