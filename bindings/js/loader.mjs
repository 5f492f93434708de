// Picks and instantiates a wasm build: 'simd-threads' (SIMD128 + pthreads), 'simd' (SIMD128, one thread)
// or 'plain' (no SIMD128, one thread: the scalar reference kernels, for engines without SIMD128).
//
// Where the files are: browsers load dist/hairmatte-<build>.mjs, built for `web,worker` only; it names its
// .wasm and pthread worker with `new URL(<'./file'>, import.meta.url)`, and bundled-models.mjs names the
// models the same way, so Vite, webpack and Rollup emit and rewrite all of them with no configuration.
// Node runs the same glue and wasm, reading the wasm bytes with fs and handing them over as `wasmBinary`
// (Emscripten 3.1.6 predates Node's global fetch), except the pthread build's glue and worker, which are
// Node's own (dist/node/: worker_threads); the JPEG/PNG codec of the CLI is a module of its own there
// (node-codec.mjs). `wasmPath` (a folder URL) or `locateFile(fileName) => url` relocate the files, e.g.
// to a CDN or for a bundler that does not follow `new URL` (esbuild).
import { BUNDLED_MODEL_URLS, BUNDLED_WASM_URLS } from './bundled-models.mjs';
import { useNodeCodec } from './node-codec.mjs';

export const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

// import.meta.url through a variable: bundlers rewrite only the literal `new URL('...', import.meta.url)`,
// and these are Node's files alone (the browser glue and models are named in the form they rewrite).
const HERE = import.meta.url;
// Node's own files: the pthread build's glue and worker script.
const NODE_OWN = /^hairmatte-simd-threads\.(mjs|worker\.js)$/;
function nodeFile(fileName) {
  return new URL(`../../dist/${NODE_OWN.test(fileName) ? 'node/' : ''}${fileName}`, HERE);
}

// Node's built-in modules, imported only in Node. The specifier is built at run time so that bundlers
// targeting browsers neither fail to resolve it nor try to bundle it (tests/bundlers/).
export function importNode(name) {
  const specifier = `node:${name}`;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
}

// The browser glue modules, named literally so that bundlers can see them, split them into chunks and
// follow their wasm and worker URLs. Node's glue is imported by a URL built at run time, which bundlers
// leave alone (it needs worker_threads, which a browser bundle cannot have).
const BROWSER_GLUE = {
  'simd': () => import('../../dist/hairmatte-simd.mjs'),
  'simd-threads': () => import('../../dist/hairmatte-simd-threads.mjs'),
  'plain': () => import('../../dist/hairmatte-plain.mjs'),
};
const GLUE = Object.fromEntries(Object.keys(BROWSER_GLUE).map((build) => [build, isNode
  ? () => import(/* webpackIgnore: true */ /* @vite-ignore */ nodeFile(`hairmatte-${build}.mjs`).href)
  : BROWSER_GLUE[build]]));
export const BUILDS = ['auto', ...Object.keys(GLUE)];

// The smallest module using a SIMD128 instruction: (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt).
export const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1,
  8, 0, 65, 0, 253, 15, 253, 98, 11]);

export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

// The URL of a packaged file (e.g. 'hairmatte-simd.wasm', 'models/hairmattenet.hmm') under the options.
// Without wasmPath/locateFile: a bundled model's or wasm build's own URL, else (Node) the package's file.
export function resolveAsset(fileName, { wasmPath, locateFile } = {}) {
  if (locateFile) {
    const located = locateFile(fileName);
    if (typeof located !== 'string' && !(located instanceof URL)) {
      throw new Error(`hairmatte: locateFile('${fileName}') must return a string or URL`);
    }
    return new URL(located, baseUrl());
  }
  if (wasmPath !== undefined) {
    const folder = String(wasmPath).endsWith('/') ? String(wasmPath) : `${wasmPath}/`;
    return new URL(fileName, new URL(folder, baseUrl()));
  }
  const model = /^models\/([a-z0-9-]+)\.hmm$/.exec(fileName);
  if (model && Object.hasOwn(BUNDLED_MODEL_URLS, model[1])) return BUNDLED_MODEL_URLS[model[1]]();
  const wasm = /^hairmatte-(simd-threads|simd|plain)\.wasm$/.exec(fileName);
  if (wasm) return BUNDLED_WASM_URLS[wasm[1]]();
  return nodeFile(fileName);
}

// Relative URLs resolve against the page in browsers and against the working directory in Node.
function baseUrl() {
  if (isNode) return `file://${process.cwd()}/`;
  return globalThis.location ? globalThis.location.href : HERE;
}

// onBytes(loaded, total): optional, called as the bytes arrive and once at the end with total = loaded;
// total is 0 while the size is unknown (no Content-Length).
export async function readUrlBytes(url, onBytes) {
  if (isNode && url.protocol === 'file:') {
    const fs = await importNode('fs/promises');
    const bytes = new Uint8Array(await fs.readFile(url));
    if (onBytes) onBytes(bytes.length, bytes.length);
    return bytes;
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  if (!onBytes || !response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (onBytes) onBytes(bytes.length, bytes.length);
    return bytes;
  }
  // Content-Length counts encoded bytes; with a compressed response it is only a hint, so never below loaded.
  const hint = Number(response.headers.get('content-length')) || 0;
  const total = (loaded) => (hint ? Math.max(hint, loaded) : 0);
  const chunks = [];
  let loaded = 0;
  onBytes(0, hint);
  for (const reader = response.body.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, total(loaded));
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.length; }
  onBytes(loaded, loaded);
  return bytes;
}

// Sums the progress of the files create() downloads into onProgress({loaded, total}), from when every file
// has answered; total is the sum of the sizes, or 0 while any size is unknown (so it never grows under a
// progress bar). track() -> onBytes for one more file.
export function progressSum(onProgress, fileCount) {
  const files = [];
  return function track() {
    const file = { loaded: 0, total: 0, begun: false };
    files.push(file);
    return (loaded, total) => {
      Object.assign(file, { loaded, total, begun: true });
      if (files.length < fileCount || files.some((f) => !f.begun)) return;
      const known = files.every((f) => f.total > 0);
      onProgress({ loaded: files.reduce((s, f) => s + f.loaded, 0), total: known ? files.reduce((s, f) => s + f.total, 0) : 0 });
    };
  };
}

// Can wasm threads work here? Node: always (worker_threads). Browsers: only in a cross-origin isolated
// context, which is what makes SharedArrayBuffer available.
export function threadsSupported() {
  return isNode || (globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function');
}

let warnedThreadFallback = false;

// Which build to load for `threads` under the `build` option ('auto' or a build name), and on how many
// threads. 'auto': SIMD + pthreads when more than one thread is asked for and threads can work here, else
// SIMD on one thread, else (no SIMD128) plain; asking for threads where they cannot work falls back to one
// thread and warns once. A named build is loaded as asked, or an Error says why it cannot run here.
// `fail(message)` throws; `env` lets tests stand in for this engine's features.
export function chooseBuild(threads, build, fail, env = { simd: simdSupported(), threads: threadsSupported() }) {
  const needsOneThread = (name) => {
    if (threads !== 1) fail(`the '${name}' build runs on one thread, but threads is ${threads}`);
  };
  if (build === 'plain') {
    needsOneThread('plain');
    return { build, threads: 1 };
  }
  if (build === 'simd' || build === 'simd-threads') {
    if (!env.simd) fail(`the '${build}' build needs WebAssembly SIMD128, which this JavaScript engine lacks (use build: 'auto' or 'plain')`);
    if (build === 'simd') {
      needsOneThread('simd');
    } else if (!env.threads) {
      fail("the 'simd-threads' build needs WebAssembly threads: serve the page with the headers " +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"');
    }
    return { build, threads };
  }
  let wanted = threads;
  if (threads > 1 && !(env.simd && env.threads)) {
    wanted = 1;
    if (!warnedThreadFallback) {
      warnedThreadFallback = true;
      const why = env.simd
        ? 'this page is not cross-origin isolated, so WebAssembly threads cannot be used; running on 1 thread. ' +
          'Serve the page with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
          '"Cross-Origin-Embedder-Policy: require-corp" to enable them.'
        : 'this JavaScript engine has no WebAssembly SIMD128, and the plain build runs on 1 thread.';
      console.warn(`hairmatte: ${threads} threads were asked for, but ${why}`);
    }
  }
  if (!env.simd) return { build: 'plain', threads: 1 };
  return wanted > 1 ? { build: 'simd-threads', threads: wanted } : { build: 'simd', threads: 1 };
}

// Returns the Emscripten module with two helpers: copyInto(view, bytes) and shutdown().
// wasmBytes: the .wasm already fetched (a promise of its bytes), used when the caller tracks progress.
export async function loadWasmModule(build, threads, options, wasmBytes = null) {
  const wasmUrl = resolveAsset(`hairmatte-${build}.wasm`, options);
  let glue;
  try {
    glue = await GLUE[build]();
  } catch (e) {
    const where = `dist/${isNode && NODE_OWN.test(`hairmatte-${build}.mjs`) ? 'node/' : ''}hairmatte-${build}.mjs`;
    throw new Error(`hairmatte: cannot load the ${build} build (${where}): ${e.message}; was \`npm run build\` run?`);
  }
  const moduleArgs = { hmThreads: threads };  // the pthread pool size (see bindings/CMakeLists.txt)
  // Browsers without wasmPath/locateFile: no locateFile, so the glue takes its files from its own
  // `new URL(<'./hairmatte-BUILD.wasm'>, import.meta.url)` (which a bundler has rewritten).
  if (isNode || options.wasmPath !== undefined || options.locateFile) {
    moduleArgs.locateFile = (path) => {
      // Node's pthread worker script is always the package's own (a wasmPath folder holds the browsers').
      const url = isNode && NODE_OWN.test(path) ? nodeFile(path) : resolveAsset(path, options);
      // Node's Worker takes a path; browsers take the URL.
      return isNode && url.protocol === 'file:' ? decodeURIComponent(url.pathname) : url.href;
    };
  }
  if (isNode || wasmBytes) {
    try {
      moduleArgs.wasmBinary = await (wasmBytes || readUrlBytes(wasmUrl));
    } catch (e) {
      throw new Error(`hairmatte: cannot read ${wasmUrl.href}: ${e.message}; was \`npm run build\` run?`);
    }
  }
  const module = await glue.default(moduleArgs);
  module.codec = null;  // the JPEG/PNG codec: Node's own module (node-codec.mjs), none in browsers
  if (isNode) {
    try {
      await useNodeCodec(module);
    } catch (e) {
      if (module.PThread) module.PThread.terminateAllThreads();
      throw e;
    }
  }
  module.copyInto = (view, bytes) => view.set(bytes);
  module.shutdown = () => {
    if (module.PThread) module.PThread.terminateAllThreads();
  };
  return module;
}
