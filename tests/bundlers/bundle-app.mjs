// Builds tests/bundlers/app/ with one bundler, as a user would: the package installed from the
// `npm pack` tarball into the app's node_modules, the tool run from the app folder with its defaults
// (Rollup: the usual node-resolve + import-meta-assets plugins in app/rollup.config.mjs). The tools are
// this repository's devDependencies; the app folder sits under test-artifacts/ so Node finds them there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// app/: segment() through the API; widget-app/: the <hair-tryon> element.
const APPS = path.join(REPO_ROOT, 'tests', 'bundlers');
const WORK = path.join(REPO_ROOT, 'test-artifacts', 'bundlers');
const BIN = (...parts) => path.join(REPO_ROOT, 'node_modules', ...parts);

// What each tool runs, from the app folder; the output lands in <app>/dist (each tool's default).
const TOOLS = {
  vite: [BIN('vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
  // webpack's own defaults (entry ./src, output ./dist) through its API: webpack-cli is not a dependency.
  webpack: ['--input-type=module', '-e', `import webpack from 'webpack';
    webpack({ mode: 'production' }, (err, stats) => {
      if (err) { console.error(err); process.exit(1); }
      const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
      for (const w of warnings) console.log('WARNING', w.message.split('\\n')[0]);
      for (const e of errors) console.error('ERROR', e.message);
      process.exit(errors.length ? 1 : 0);
    });`],
  rollup: [BIN('rollup', 'dist', 'bin', 'rollup'), '-c', '--silent'],
  // (esbuild's bin is its native executable once installed: run it directly, not through node.)
  esbuild: ['src/index.js', '--bundle', '--format=esm', '--splitting',
    '--outdir=dist', '--log-level=warning'],
};
export const BUNDLERS = Object.keys(TOOLS);

// npm pack into WORK; returns the tarball's path.
export function packPackage() {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', WORK], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  return path.join(WORK, JSON.parse(pack.stdout)[0].filename);
}

// Returns { out: the folder to serve, log: the tool's output, seconds }.
export function bundleApp(tool, tarball, source = 'app') {
  const app = path.join(WORK, `${tool}-${source}`);
  fs.cpSync(path.join(APPS, source), app, { recursive: true });
  if (tool === 'rollup') fs.copyFileSync(path.join(APPS, 'app', 'rollup.config.mjs'), path.join(app, 'rollup.config.mjs'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `app-${tool}`, private: true, type: 'module' }));
  const pkgDir = path.join(app, 'node_modules', 'hairmatte');
  fs.mkdirSync(pkgDir, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  const started = performance.now();
  const command = tool === 'esbuild' ? BIN('esbuild', 'bin', 'esbuild') : process.execPath;
  const run = spawnSync(command, TOOLS[tool], { cwd: app, encoding: 'utf8', timeout: 300000 });
  const seconds = (performance.now() - started) / 1000;
  const log = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`${tool} failed (exit ${run.status}):\n${log}`);
  const out = path.join(app, 'dist');
  // Vite writes the page itself (index.html is its entry); the others get the same page, pointing at
  // their entry chunk (webpack: main.js, Rollup and esbuild: index.js).
  if (!fs.existsSync(path.join(out, 'index.html'))) {
    const entry = fs.existsSync(path.join(out, 'main.js')) ? 'main.js' : 'index.js';
    fs.writeFileSync(path.join(out, 'index.html'), fs.readFileSync(path.join(app, 'index.html'), 'utf8')
      .replace('./src/index.js', `./${entry}`));
  }
  return { out, log, seconds };
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

// The static host: serves one app's output folder, optionally cross-origin isolated; records requests.
export async function serve(root, isolated) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = path.join(root, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    const ok = file.startsWith(root + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
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
  // close(): Chromium keeps its idle keep-alive sockets open for minutes; end them rather than wait.
  const close = () => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  });
  return { origin: `http://127.0.0.1:${server.address().port}`, requests, close };
}
