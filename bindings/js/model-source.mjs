// Turns the `model` option into the bytes of a .hmm file: a bundled name, a URL (or path in Node),
// an ArrayBuffer or a Uint8Array. The bytes are validated by the engine (docs/model-format.md).
import { readUrlBytes, isNode, importNode } from './loader.mjs';

export const BUNDLED_MODELS = Object.freeze(['hairmattenet', 'hairsegnet', 'hairmattenet-int8']);
const MAX_MODEL_BYTES = 512 * 1024 * 1024;

function fail(message) {
  throw new Error(`hairmatte: ${message}`);
}

// A string that is not a bundled name is a URL or path if it looks like one.
function looksLikeLocation(text) {
  return /^[a-z][a-z0-9+.-]*:/i.test(text) || text.includes('/') || text.includes('\\') ||
    text.toLowerCase().endsWith('.hmm');
}

function checkBytes(bytes, what) {
  if (bytes.byteLength === 0) fail(`${what} is empty (0 bytes)`);
  if (bytes.byteLength > MAX_MODEL_BYTES) fail(`${what} is larger than ${MAX_MODEL_BYTES} bytes`);
  return bytes;
}

// A transferred (detached) ArrayBuffer cannot be viewed: constructing any view of it throws.
function isDetached(buffer) {
  if (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer) return false;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

// The caller's bytes, copied: create() awaits the wasm module before it reads them, and a buffer the
// caller transfers (postMessage, structuredClone) in the meantime would be detached under it.
function ownCopy(view) {
  if (isDetached(view.buffer)) {
    fail('model buffer is detached (it was transferred, e.g. by postMessage): pass the bytes before transferring them, or a copy');
  }
  return checkBytes(view, 'model').slice();
}

// resolve(fileName) -> URL of a packaged file; onBytes(loaded, total): optional download progress.
export async function readModelBytes(model, resolve, onBytes) {
  if (model instanceof Uint8Array) return ownCopy(model);
  if (model instanceof ArrayBuffer ||
      (typeof SharedArrayBuffer === 'function' && model instanceof SharedArrayBuffer)) {
    if (isDetached(model)) ownCopy({ buffer: model });
    return ownCopy(new Uint8Array(model));
  }
  if (ArrayBuffer.isView(model)) {
    fail(`model bytes must be a Uint8Array or an ArrayBuffer, got a ${model.constructor.name}`);
  }
  let url;
  let what;
  if (model instanceof URL) {
    url = model;
    what = model.href;
  } else if (typeof model === 'string') {
    if (BUNDLED_MODELS.includes(model)) {
      url = resolve(`models/${model}.hmm`);
      what = `bundled model '${model}' (${url.href})`;
    } else if (model.length > 0 && looksLikeLocation(model)) {
      url = isNode && !/^[a-z][a-z0-9+.-]*:/i.test(model)
        ? (await importNode('url')).pathToFileURL(model)
        : new URL(model, globalThis.location ? globalThis.location.href : undefined);
      what = `model file ${url.href}`;
    } else {
      fail(`unknown model '${model}': use ${BUNDLED_MODELS.map((m) => `'${m}'`).join(' or ')}, a URL or path ` +
        'to a .hmm file, an ArrayBuffer or a Uint8Array');
    }
  } else {
    fail(`model must be a bundled name, a URL, an ArrayBuffer, a Uint8Array or {random: arch}, got ${
      model === null ? 'null' : typeof model}`);
  }
  let bytes;
  try {
    bytes = await readUrlBytes(url, onBytes);
  } catch (e) {
    const hint = BUNDLED_MODELS.includes(model)
      ? ' (bundled models are copied from models/ into dist/models/ by `npm run build`; ' +
        "for a quick test pass model: {random: 'hairmattenet'})"
      : '';
    fail(`cannot read the ${what}: ${e.message}${hint}`);
  }
  return checkBytes(bytes, what);
}
