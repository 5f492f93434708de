// `npm start` / `npm run serve`: a small static server for the demo on http://127.0.0.1:8080.
// It serves the folders the demo needs from the repository root (web/ at /web/, the JS API at
// /bindings/js/, the wasm at /dist/) with the COOP/COEP headers that make the page cross-origin isolated,
// so the pthread build can run. / redirects to the demo, /example/ to the shop page that embeds the widget.
//   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation]
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
  '.ico': 'image/x-icon', '.y4m': 'video/x-yuv4mpeg',
};

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const port = Number(option('port', process.env.PORT || 8080));
const host = option('host', '127.0.0.1');
const isolate = !process.argv.includes('--no-isolation');

// Maps a URL path to a file under one of the served folders, or null (no .., no other folders).
function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.normalize(path.join(ROOT, decoded));
  if (!SERVED.some((dir) => file === path.join(ROOT, dir) || file.startsWith(path.join(ROOT, dir) + path.sep))) {
    return null;
  }
  return file;
}

const server = http.createServer((req, res) => {
  const urlPath = new URL(req.url, 'http://x').pathname;
  if (isolate) {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-cache');
  if (REDIRECTS[urlPath]) {
    res.writeHead(302, { Location: REDIRECTS[urlPath] });
    res.end();
    return;
  }
  let file = resolveFile(urlPath);
  if (file && fs.existsSync(file) && fs.statSync(file).isDirectory()) {
    if (!urlPath.endsWith('/')) {
      res.writeHead(301, { Location: `${urlPath}/` });
      res.end();
      return;
    }
    file = path.join(file, 'index.html');
  }
  if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end(`not found: ${urlPath}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  // Compressed, with an ETag, immutable when the name is content-hashed (scripts/send-file.mjs).
  sendFile(req, res, file, TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream');
});

server.listen(port, host, () => {
  const origin = `http://${host}:${port}`;
  console.log(`hairmatte demo: ${origin}/  (shop example: ${origin}/example/)` +
    (isolate ? '  [cross-origin isolated: threads available]' : '  [not isolated: 1 thread]'));
});
