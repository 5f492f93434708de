// scripts/serve.mjs: the demo server sets COOP/COEP, serves only web/, bindings/js/ and dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
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
