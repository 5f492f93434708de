// scripts/serve.mjs: the demo server sets COOP/COEP, serves only web/, bindings/js/ and dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';

let server;
let origin;

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'serve.mjs'), '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    server.stdout.once('data', resolve);
    server.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
});

after(() => server.kill());

test('pages are cross-origin isolated and wasm has its MIME type', async () => {
  const wasm = await fetch(`${origin}/dist/hairmatte-simd.wasm`);
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(wasm.headers.get('cross-origin-embedder-policy'), 'require-corp');
  const api = await fetch(`${origin}/bindings/js/index.mjs`);
  assert.equal(api.status, 200);
  assert.equal(api.headers.get('content-type'), 'text/javascript');
});

test('/ and /example/ redirect to the demo and the shop page', async () => {
  for (const [from, to] of [['/', '/web/'], ['/example/', '/web/example/']]) {
    const res = await fetch(`${origin}${from}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), to);
  }
});

test('nothing outside the served folders is reachable', async () => {
  for (const p of ['/package.json', '/src/network/engine.h', '/web/../package.json', '/web/%2e%2e/package.json',
    '/dist/../scripts/serve.mjs', '/bindings/embind.cc']) {
    const res = await fetch(`${origin}${p}`);
    assert.equal(res.status, 404, p);
  }
});

test('files go compressed (brotli, else gzip) with an ETag; a revalidation is a 304 with no body', async () => {
  const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
  const { readFileSync } = await import('node:fs');
  const original = readFileSync(path.join(REPO_ROOT, 'dist', 'hairmatte-simd.mjs'));
  const url = `${origin}/dist/hairmatte-simd.mjs`;
  // Node's fetch decodes bodies itself; http.get shows the bytes on the wire.
  const http = await import('node:http');
  const get = (headers) => new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  const br = await get({ 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.ok(br.body.length < original.length / 3, `${br.body.length} of ${original.length} bytes`);
  assert.deepEqual(brotliDecompressSync(br.body), original);
  const gz = await get({ 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), original);
  const plain = await get({});
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, original);
  // One ETag for every encoding of the same content; no-cache (revalidate) for names without a hash.
  assert.match(br.headers.etag, /^"[A-Za-z0-9_-]{20,}"$/);
  assert.equal(gz.headers.etag, br.headers.etag);
  assert.equal(br.headers['cache-control'], 'no-cache');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  const again = await get({ 'accept-encoding': 'br', 'if-none-match': br.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  const other = await get({ 'if-none-match': '"something-else"' });
  assert.equal(other.status, 200);
});

test('content-hashed names (bundler output) are cached as immutable, others revalidated', async () => {
  const { cacheControl } = await import('../../scripts/send-file.mjs');
  for (const name of ['assets/index-BkX3a9Qz.js', 'dist/7f3e2c1b9d0a1234.wasm', 'assets/hairmattenet-1a2b3c4d.hmm']) {
    assert.equal(cacheControl(name), 'public, max-age=31536000, immutable', name);
  }
  for (const name of ['web/demo-screenshot.mjs', 'dist/hairmatte-simd-threads.worker.js', 'main.js', 'dist/models/hairmattenet.hmm']) {
    assert.equal(cacheControl(name), 'no-cache', name);
  }
});

// --- issue 17: a server that cannot be crashed ---

// Sends raw bytes and returns the raw response (what curl --request-target would send).
function rawRequest(text) {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => { data += chunk; });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(5000, () => reject(new Error(`no answer to ${JSON.stringify(text)}`)));
  });
}

test('a request target that is not a URL gets 400 and the server keeps serving', async () => {
  for (const target of ['//[', '//[::1', 'http://[', '*', '%', '/%', 'abc', '/\u00ff[']) {
    const response = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(response, /^HTTP\/1\.1 (400|404) /, `${target}: ${response.slice(0, 60)}`);
  }
  assert.equal(server.exitCode, null, 'serve.mjs exited');
  assert.equal((await fetch(`${origin}/web/`)).status, 200);
});

test('dotfiles inside served folders are not served', async () => {
  const secret = path.join(REPO_ROOT, 'dist', '.hm-serve-test-secret');
  fs.writeFileSync(secret, 'secret');
  try {
    for (const p of ['/dist/.hm-serve-test-secret', '/dist/%2ehm-serve-test-secret', '/dist/./.hm-serve-test-secret']) {
      assert.equal((await fetch(`${origin}${p}`)).status, 404, p);
    }
  } finally {
    fs.rmSync(secret);
  }
});

test('markdown has its type and every answer says nosniff', async () => {
  const md = await fetch(`${origin}/web/README.md`);
  assert.equal(md.status, 200);
  assert.equal(md.headers.get('content-type'), 'text/markdown; charset=utf-8');
  assert.equal(md.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(`${origin}/nowhere`)).headers.get('x-content-type-options'), 'nosniff');
});

test('a folder redirect never gives a scheme-relative Location', async () => {
  for (const target of ['/.//web', '//web', '///web', '/web//example', '//dist']) {
    const response = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const location = /\r\nlocation: ([^\r]*)/i.exec(response);
    if (location) assert.match(location[1], /^\/[^/\\]/, `${target} -> ${location[1]}`);
  }
});

function runServe(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'serve.mjs'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill(), 10000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

test('a busy port or a bad --port is one line on stderr, no stack trace', async () => {
  const busy = await runServe(['--port', new URL(origin).port]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /already in use/);
  assert.equal(busy.stderr.trim().split('\n').length, 1, busy.stderr);
  for (const bad of ['abc', '-1', '70000', '1e3']) {
    const r = await runServe(['--port', bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /--port must be an integer in 0\.\.65535/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
