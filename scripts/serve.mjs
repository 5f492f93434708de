// `npm start` / `npm run serve`: a small static server for the demo on http://127.0.0.1:8080.
// It serves the folders the demo needs from the repository root (web/ at /web/, the JS API at
// /bindings/js/, the wasm at /dist/) with the COOP/COEP headers that make the page cross-origin isolated,
// so the pthread build can run. / redirects to the demo, /example/ to the shop page that embeds the widget.
//   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation]
//
// No request can stop it: request targets are parsed by hand (never through `new URL`, which throws on
// targets such as `//[`), every handler error becomes a 4xx/5xx answer, dotfiles are never served, and
// redirects are built from the resolved file, so they never start with `//` (a scheme-relative URL that
// would send the browser to another host). tests/node/serve.test.mjs and tests/fuzz/serve.fuzz.test.mjs.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendFile } from './send-file.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVED = ['web', 'bindings/js', 'dist'];
const REDIRECTS = { '/': '/web/', '/example/': '/web/example/', '/example': '/web/example/' };
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.hmm': 'application/octet-stream',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.ts': 'text/plain',
  '.ico': 'image/x-icon', '.y4m': 'video/x-yuv4mpeg', '.md': 'text/markdown; charset=utf-8',
};

function usage(message) {
  console.error(`serve.mjs: ${message}\nusage: node scripts/serve.mjs [--port 0..65535] [--host HOST] [--no-isolation]`);
  process.exit(2);
}

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  if (i + 1 >= process.argv.length) usage(`--${name} needs a value`);
  return process.argv[i + 1];
}
const portText = String(option('port', process.env.PORT || 8080));
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) usage(`--port must be an integer in 0..65535, got '${portText}'`);
const port = Number(portText);
const host = option('host', '127.0.0.1');
const isolate = !process.argv.includes('--no-isolation');

// The path of an origin-form request target ('/a/b?q' -> '/a/b'), or null for any other form
// (absolute-form, authority-form, '*', or garbage).
function targetPath(target) {
  if (typeof target !== 'string' || !target.startsWith('/')) return null;
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

// Maps a URL path to a file under one of the served folders, or null (no .., no dotfiles, no other folders).
function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  // Any segment starting with '.' ('.git', '.env', '..') is refused before normalising.
  if (decoded.split(/[/\\]/).some((segment) => segment.startsWith('.'))) return null;
  const file = path.normalize(path.join(ROOT, decoded));
  if (!SERVED.some((dir) => file === path.join(ROOT, dir) || file.startsWith(path.join(ROOT, dir) + path.sep))) {
    return null;
  }
  return file;
}

function answer(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text === undefined ? undefined : `${text}\n`);
}

function statOrNull(file) {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function handle(req, res) {
  if (isolate) {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-cache');
  const urlPath = targetPath(req.url);
  if (urlPath === null) return answer(res, 400, 'bad request target');
  if (REDIRECTS[urlPath]) return answer(res, 302, undefined, { Location: REDIRECTS[urlPath] });
  let file = resolveFile(urlPath);
  let stat = file && statOrNull(file);
  if (stat && stat.isDirectory()) {
    if (!urlPath.endsWith('/')) {
      // Built from the resolved file: always '/web/...', never '//host/...'.
      const canonical = `/${path.relative(ROOT, file).split(path.sep).map(encodeURIComponent).join('/')}/`;
      return answer(res, 301, undefined, { Location: canonical });
    }
    file = path.join(file, 'index.html');
    stat = statOrNull(file);
  }
  if (!stat || !stat.isFile()) return answer(res, 404, 'not found');
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, undefined, { Allow: 'GET, HEAD' });
  // Compressed, with an ETag, immutable when the name is content-hashed (scripts/send-file.mjs).
  sendFile(req, res, file, TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream');
}

const server = http.createServer((req, res) => {
  try {
    handle(req, res);
  } catch (e) {
    console.error(`serve.mjs: ${req.method} ${JSON.stringify(req.url)}: ${e.message}`);
    if (!res.headersSent) answer(res, 500, 'internal error');
    else res.destroy();
  }
});
// Malformed HTTP (bad request lines, headers) is answered 400 by Node; a reset socket is not an error of ours.
server.on('clientError', (error, socket) => {
  if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  else socket.destroy();
});
server.on('error', (error) => {
  const why = error.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use (try --port 0 or another port)`
    : error.code === 'EACCES' ? `not allowed to listen on ${host}:${port}`
      : `cannot listen on ${host}:${port}: ${error.message}`;
  console.error(`serve.mjs: ${why}`);
  process.exit(1);
});

server.listen(port, host, () => {
  const origin = `http://${host}:${server.address().port}`;
  console.log(`hairmatte demo: ${origin}/  (shop example: ${origin}/example/)` +
    (isolate ? '  [cross-origin isolated: threads available]' : '  [not isolated: 1 thread]'));
});
