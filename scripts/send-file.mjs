// How scripts/serve.mjs sends a file: compressed (brotli or gzip, as the request accepts), with a strong
// ETag (a hash of the content) so a revalidation is a 304 with no body, and cached for a year as
// `immutable` when the name carries a content hash (a bundler's output: name-1a2b3c4d.js), else
// `no-cache` (always revalidated: the demo's own files change while you work on them).
// Compressed bodies are kept in memory per file version; the big model files are compressed once.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';

// What is worth compressing: text, wasm (~2.5x smaller) and the fp16 model files (~10%).
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|wasm|octet-stream)|image\/svg)/;
// A hash before the extension, as Vite, webpack and Rollup name files: 8+ hex or base64url characters
// with at least one digit (so a word like '-screenshot.mjs' is not taken for one).
const HASHED_NAME = /[-./](?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{8,}\.[a-z0-9]+$/;
const cache = new Map();  // file -> { key, etag, raw, br?, gzip? }

function entry(file, stat) {
  const key = `${stat.size}:${stat.mtimeMs}`;
  let hit = cache.get(file);
  if (!hit || hit.key !== key) {
    const raw = fs.readFileSync(file);
    const etag = `"${crypto.createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`;
    hit = { key, etag, raw };
    cache.set(file, hit);
  }
  return hit;
}

// The encoding to send: brotli over gzip; none when the client takes neither (or says q=0).
export function pickEncoding(acceptEncoding = '') {
  const accepted = new Set();
  for (const part of String(acceptEncoding).toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) accepted.add(name.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}

function compress(hit, encoding) {
  if (!hit[encoding]) {
    hit[encoding] = encoding === 'br'
      ? zlib.brotliCompressSync(hit.raw, { params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: hit.raw.length > 1 << 20 ? 5 : 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: hit.raw.length } })
      : zlib.gzipSync(hit.raw, { level: 9 });
  }
  return hit[encoding];
}

export function cacheControl(file) {
  return HASHED_NAME.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

// Sends `file` (a regular file) as `type` for a GET or HEAD request; other headers are already set.
export function sendFile(req, res, file, type) {
  const hit = entry(file, fs.statSync(file));
  res.setHeader('Cache-Control', cacheControl(file));
  res.setHeader('ETag', hit.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === hit.etag)) {
    res.writeHead(304);
    res.end();
    return;
  }
  const encoding = COMPRESSIBLE.test(type) && hit.raw.length > 1024 ? pickEncoding(req.headers['accept-encoding']) : null;
  const body = encoding ? compress(hit, encoding) : hit.raw;
  const headers = { 'Content-Type': type, 'Content-Length': body.length };
  if (encoding) headers['Content-Encoding'] = encoding;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
