// Fuzz suite, demo server: seeded malformed HTTP into scripts/serve.mjs over raw sockets on 127.0.0.1
// (issue 17). The server must answer or close every connection, never exit, never serve a file from
// outside its folders or a dotfile, never redirect off-site; afterwards it must still serve the demo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from '../node/helpers.mjs';
import { SEED, cases, rng } from './random.mjs';

let server;
let port;
let stderr = '';

before(async () => {
  server = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'serve.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (d) => { stderr += d; });
  port = await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(Number(/:(\d+)\//.exec(String(d))[1])));
    server.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${stderr}`)));
  });
});

after(() => server.kill());

// Sends `payload` and resolves with what came back: when the server closes, 300 ms after its last bytes
// (a kept-alive connection), or after `ms`. `hangUp`: close our side after sending (a client that gives up
// half-way), which is how a request cut short is ended.
function exchange(payload, { hangUp = false, ms = 3000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let idle;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(idle);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, ms);
    socket.on('connect', () => {
      socket.write(payload);
      if (hangUp) socket.end();
    });
    socket.on('data', (c) => {
      chunks.push(c);
      clearTimeout(idle);
      idle = setTimeout(done, 300);
    });
    socket.on('close', done);
    socket.on('error', done);
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'get', 'G\u00c9T', '', 'X'.repeat(300)];
const PIECES = ['/', '//', '..', '%2e%2e', '%2f', '%5c', '\\', '.', '.git', '.env', 'web', 'dist', 'bindings', 'js', 'example',
  'index.html', '%', '%zz', '%00', '%c0%ae', '[', ']', '@', ':', '?', '#', ';', '~', ' ', '\t', '\u00ff', '\u2028', 'http:', 'a'.repeat(2000)];

function target(r) {
  if (r.chance(0.1)) return r.pick(['*', '//[', 'http://[', 'example.com:80', '', '/\r\nX: y', 'http://127.0.0.1/web/']);
  let t = r.chance(0.9) ? '/' : '';
  for (let k = r.int(0, 6); k > 0; k--) t += r.pick(PIECES);
  return t;
}

function request(r) {
  const roll = r.next();
  if (roll < 0.08) return { payload: Buffer.from(Array.from({ length: r.int(1, 300) }, () => r.int(0, 255))), hangUp: r.chance(0.5) };
  const method = r.chance(0.7) ? r.pick(['GET', 'HEAD']) : r.pick(METHODS);
  const version = r.chance(0.8) ? 'HTTP/1.1' : r.pick(['HTTP/1.0', 'HTTP/2', 'HTTP/9.9', '', 'HTTP/1.1 extra']);
  let head = `${method} ${target(r)} ${version}\r\n`;
  if (r.chance(0.9)) head += 'Host: 127.0.0.1\r\n';
  for (let k = r.int(0, 4); k > 0; k--) {
    head += r.pick(['Content-Length: 5', 'Content-Length: -1', 'Content-Length: abc', 'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip, chunked', 'Range: bytes=0-10', 'Range: bytes=-1', 'Expect: 100-continue', 'Connection: keep-alive',
      'X-Long: ' + 'x'.repeat(r.int(0, 20000)), 'Bad Header', ': empty', 'Host: evil.example']) + '\r\n';
  }
  const body = r.chance(0.2) ? 'hello\r\n0\r\n\r\n' : '';
  const complete = r.chance(0.9);
  const text = `${head}${complete ? '\r\n' : ''}${body}`;
  return complete && r.chance(0.9) ? { payload: text } : { payload: text.slice(0, r.int(0, text.length)), hangUp: true };
}

test(`malformed requests never stop the server nor leak files (seed ${SEED + 3})`, { timeout: 150000 }, async () => {
  const r = rng(SEED + 3);
  const n = cases(1500);
  const statuses = new Map();
  for (let i = 0; i < n; i += 25) {
    const batch = Array.from({ length: Math.min(25, n - i) }, () => request(r));
    const answers = await Promise.all(batch.map(({ payload, hangUp }) => exchange(payload, { hangUp })));
    answers.forEach((answer, k) => {
      const where = `seed ${SEED + 3} case ${i + k}: ${JSON.stringify(String(batch[k].payload).slice(0, 120))}`;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      const code = status ? status[1] : 'closed';
      statuses.set(code, (statuses.get(code) || 0) + 1);
      if (status) assert.ok(Number(status[1]) < 500, `${where}: ${answer.slice(0, 200)}`);
      const location = /\r\nlocation: ([^\r]*)/i.exec(answer);
      if (location) assert.match(location[1], /^\/[^/\\]/, `${where}: Location ${location[1]}`);
      if (status && status[1] === '200') {
        // Only the three folders, never a dotfile or a file from elsewhere (package.json, src/...).
        assert.doesNotMatch(answer, /"name": "hairmatte"|#include|BEGIN RSA/, where);
      }
    });
    assert.equal(server.exitCode, null, `serve.mjs exited after case ${i}: ${stderr}`);
  }
  const ok = await exchange('GET /web/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  assert.match(ok, /^HTTP\/1\.1 200 /, 'the demo is still served');
  assert.doesNotMatch(stderr, /\n\s+at /, `a stack trace on stderr: ${stderr.slice(0, 500)}`);
  console.log(`# serve fuzz: ${n} requests; answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
});
