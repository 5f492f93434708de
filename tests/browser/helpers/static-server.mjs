// A test fixture: serves the repository root over HTTP on a free port (the demo at /web/, the JS API at
// /bindings/js/, the wasm at /dist/), optionally cross-origin isolated (COOP same-origin + COEP
// require-corp), plus in-memory files (`extra`: path -> Buffer) such as a random-weight model made by a test.
// The end-to-end tests use the project's real server (scripts/serve.mjs); this one isolates renderer tests.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './browser.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.glsl': 'text/plain', '.hmm': 'application/octet-stream',
};

export async function startStaticServer({ isolated = false, extra = {} } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const headers = { 'Cache-Control': 'no-store' };
    if (isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    if (url.pathname === '/favicon.ico') { res.writeHead(204, headers); res.end(); return; }
    if (extra[url.pathname]) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(url.pathname)] || 'application/octet-stream' });
      res.end(extra[url.pathname]);
      return;
    }
    let file = path.join(REPO_ROOT, decodeURIComponent(url.pathname));
    if (!file.startsWith(REPO_ROOT)) { res.writeHead(403); res.end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404, headers); res.end('not found'); return; }
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': body.length });  // as a real server sends it (download progress needs it)
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}
