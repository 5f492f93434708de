// The package through an npm bundler: `npm pack` the package, unpack it as an app's node_modules/hairmatte,
// bundle a tiny app that imports 'hairmatte' with esbuild (a devDependency), copy the package's dist/
// next to the bundle as the README's "Bundlers" paragraph says, serve the output and run it in headless
// Chromium (single thread, the plain build, and two threads on a cross-origin isolated page). The page must find every file (no 404, no failed request) and its matte must equal, byte for
// byte, what Node computes with the same wasm build on the same pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { browserSkipReason, launchChromium, recordConsole, REPO_ROOT } from './helpers/browser.mjs';
import { engineSkipReason } from './helpers/engine.mjs';
import { drawSyntheticHead } from './helpers/synthetic-head.mjs';

const ESBUILD = path.join(REPO_ROOT, 'node_modules', 'esbuild');
const skip = (await browserSkipReason()) || engineSkipReason() ||
  (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'hairmatte-plain.wasm')) && 'dist/hairmatte-plain.wasm is missing: npm run build') ||
  (!fs.existsSync(ESBUILD) && 'esbuild is not installed (npm install)');

const WIDTH = 120;  // portrait: the trained model finds the drawn head's hair at this shape (not at 160x120)
const HEIGHT = 160;

// The app: what a user writes, importing the package by name. The frame comes from the test (a
// synthetic head) so that Node can compute the expected matte on the same pixels.
const APP = `import { HairMatte } from 'hairmatte';
window.runMatte = async (build, threads, pixels, width, height) => {
  const hm = await HairMatte.create({ model: 'hairmattenet', build, threads, wasmPath: './hairmatte/' });
  try {
    const matte = hm.segment({ data: new Uint8Array(pixels), width, height });
    const { build, simd, model, threads } = hm.info;
    return { info: { build, simd, model, threads }, alpha: Array.from(matte.data) };
  } finally {
    hm.dispose();
  }
};
window.appReady = true;
`;
const HTML = '<!doctype html><meta charset="utf-8"><title>bundled app</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>\n';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
let tmp, out, server, origin, browser, noSimdBrowser, bundleReport;
let isolated = false;  // serve with COOP/COEP (cross-origin isolation, for wasm threads)
const requests = [];  // [status, path] of every request the page made

before(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-bundler-'));
  // npm pack: the app gets exactly the files the package publishes.
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });
  assert.equal(pack.status, 0, pack.stderr);
  const tarball = path.join(tmp, JSON.parse(pack.stdout)[0].filename);
  const app = path.join(tmp, 'app');
  const pkgDir = path.join(app, 'node_modules', 'hairmatte');
  fs.mkdirSync(pkgDir, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  fs.writeFileSync(path.join(app, 'main.mjs'), APP);

  // The bundle, as a user's build script would make it.
  const esbuild = await import('esbuild');
  out = path.join(app, 'public');
  bundleReport = await esbuild.build({
    absWorkingDir: app, entryPoints: ['main.mjs'], bundle: true, format: 'esm', splitting: true,
    platform: 'browser', outdir: out, entryNames: 'main', logLevel: 'silent',
  });
  fs.writeFileSync(path.join(out, 'index.html'), HTML);
  // The README's recipe: the package's dist/ next to the bundle, found through wasmPath.
  fs.cpSync(path.join(pkgDir, 'dist'), path.join(out, 'hairmatte'), { recursive: true });

  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(out, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const ok = file.startsWith(out + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
    requests.push([ok ? 200 : 404, url.pathname]);
    if (!ok) { res.writeHead(404); res.end('not found'); return; }
    const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
  // V8 gives up wasm SIMD128 when it may not use SSE4.1: a browser without SIMD128.
  noSimdBrowser = await launchChromium({ jsFlags: '--no-enable-sse4-1' });
});

after(async () => {
  if (browser) await browser.close();
  if (noSimdBrowser) await noSimdBrowser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('esbuild bundles an app importing hairmatte without errors or warnings', { skip }, () => {
  assert.deepEqual(bundleReport.errors, []);
  assert.deepEqual(bundleReport.warnings.map((w) => w.text), []);
  // The glue of each build became a chunk of its own (loaded only when that build is chosen).
  const chunks = fs.readdirSync(out).filter((f) => f.endsWith('.js'));
  assert.ok(chunks.length >= 4, `chunks: ${chunks.join(', ')}`);
});

const CASES = [
  { build: 'auto', threads: 1, expected: 'simd' },
  { build: 'plain', threads: 1, expected: 'plain' },
  { build: 'auto', threads: 2, expected: 'simd-threads', isolated: true },
  { build: 'auto', threads: 1, expected: 'plain', noSimd: true },
];
for (const { build, threads, expected: expectedBuild, isolated: isolatedPage = false, noSimd = false } of CASES) {
  test(`bundled app in Chromium${noSimd ? ' without SIMD128' : ''}, build '${build}', ${threads} thread(s)` +
    `${isolatedPage ? ', isolated page' : ''}: segment() works, every file found, matte == Node's`, { skip }, async () => {
    isolated = isolatedPage;
    const head = drawSyntheticHead(WIDTH, HEIGHT);
    const page = await (noSimd ? noSimdBrowser : browser).context.newPage();
    const consoleLines = recordConsole(page);
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    requests.length = 0;
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.appReady === true, null, { timeout: 30000 });
    if (noSimd) {
      // The engine really lacks SIMD128: the SIMD build's module does not compile there.
      const simdCompiles = await page.evaluate(async () => {
        const bytes = await (await fetch('./hairmatte/hairmatte-simd.wasm')).arrayBuffer();
        return WebAssembly.validate(bytes);
      });
      assert.equal(simdCompiles, false, 'Chromium still validates SIMD128: --no-enable-sse4-1 no longer works');
    }
    const result = await page.evaluate(({ build, threads, pixels, w, h }) => window.runMatte(build, threads, pixels, w, h),
      { build, threads, pixels: Array.from(head.data), w: WIDTH, h: HEIGHT });
    await page.close();

    assert.deepEqual(failed, [], consoleLines.join('\n'));
    assert.deepEqual(requests.filter(([status]) => status !== 200), []);
    assert.deepEqual(result.info, { build: expectedBuild, simd: expectedBuild !== 'plain', model: 'hairmattenet', threads });
    const paths = requests.map(([, p]) => p);
    assert.ok(paths.includes(`/hairmatte/hairmatte-${expectedBuild}.wasm`), paths.join(' '));
    assert.ok(paths.includes('/hairmatte/models/hairmattenet.hmm'), paths.join(' '));
    if (expectedBuild === 'simd-threads') {
      // The pthread workers: the worker script, which imports the build's glue from beside itself.
      assert.ok(paths.includes('/hairmatte/hairmatte-simd-threads.worker.js'), paths.join(' '));
      assert.ok(paths.includes('/hairmatte/hairmatte-simd-threads.mjs'), paths.join(' '));
    }

    // Node, the same wasm build of this checkout, the same pixels: the same bytes.
    const { HairMatte } = await import('../../bindings/js/index.mjs');
    const hm = await HairMatte.create({ model: 'hairmattenet', build: expectedBuild, threads });
    let want;
    try {
      want = hm.segment({ data: head.data, width: WIDTH, height: HEIGHT }).data;
    } finally {
      hm.dispose();
    }
    assert.equal(result.alpha.length, WIDTH * HEIGHT);
    let differing = 0;
    for (let i = 0; i < want.length; i++) if (result.alpha[i] !== want[i]) differing++;
    assert.equal(differing, 0, `${differing} of ${want.length} alpha values differ from Node's`);
    // Not a degenerate matte: the synthetic head's hair is found.
    assert.ok(want.filter((a) => a > 128).length > 200, 'the matte finds hair');
  });
}
