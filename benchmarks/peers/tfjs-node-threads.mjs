// tfjs-backend-wasm 4.x turns its pthread build off under Node (flag WASM_HAS_MULTITHREAD_SUPPORT is
// false when IS_NODE) because it hands Emscripten its worker and main scripts as Blob URLs, which Node's
// worker_threads cannot load. Node 20 runs Emscripten pthreads fine from files, so for the duration of
// the backend's initialisation we record the Blobs it creates and turn each Blob URL into a temporary
// file: the worker script, with its "import the main script from a Blob" branch pointed at the file of
// the main script. This is the browser's threaded path (as on a cross-origin-isolated page), in Node.
// Also, the backend caps its pool at logical cores / 2 (it assumes two hyper-threads per core), which is
// 1 on this 2-core machine: during initialisation os.cpus() reports 2 x the wanted threads, so the pool
// gets exactly the thread count the benchmark asks for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MAIN_SCRIPT_PREFIX = 'var WasmBackendModuleThreadedSimd';
const WORKER_MARKER = 'WasmBackendModuleThreadedSimd(Module)';
// The worker's branch that loads the main script from a Blob (replaced by a load from a file).
const WORKER_BLOB_IMPORT = /if\(typeof e\.data\.urlOrBlob=="string"\)\{importScripts\(e\.data\.urlOrBlob\)\}else\{[^}]*\}/;

// The bundle hoists Node built-ins into `var require$$N = require('fs');` lines (and rollup's
// `commonjsGlobal`) outside the factory that the main script Blob holds; the workers need them too.
function bundleRequirePrologue(bundleFile) {
  const source = fs.readFileSync(bundleFile, 'utf8');
  const hoisted = source.match(/^var require\$\$\d+ = require\('[a-z_]+'\);$/gm) ?? [];
  return [...hoisted, 'var commonjsGlobal = globalThis;', ''].join('\n');
}

// bundleFile: the tfjs-backend-wasm CommonJS bundle that will initialise (its path on disk).
export async function withNodeThreads(bundleFile, threads, initialise) {
  const originalCpus = os.cpus;
  const cpus = originalCpus.call(os);
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]);
  const prologue = bundleRequirePrologue(bundleFile);
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-tfjs-threads-'));
  const texts = new WeakMap();
  let mainScriptFile = null;
  globalThis.Blob = class RecordingBlob extends OriginalBlob {
    constructor(parts = [], options) {
      super(parts, options);
      if (!parts.every((p) => typeof p === 'string')) return;
      const text = parts.join('');
      texts.set(this, text);
      // The main script Blob is only posted to the workers, never given a URL here: keep it as a file.
      if (text.startsWith(MAIN_SCRIPT_PREFIX)) {
        mainScriptFile = path.join(dir, 'main.js');
        fs.writeFileSync(mainScriptFile, prologue + text);
      }
    }
  };
  URL.createObjectURL = (blob) => {
    let text = texts.get(blob);
    if (text === undefined) return originalCreateObjectURL.call(URL, blob);
    if (text.startsWith(MAIN_SCRIPT_PREFIX)) return mainScriptFile;
    if (text.includes(WORKER_MARKER)) {
      if (!mainScriptFile) throw new Error('tfjs threads under Node: the main script Blob was not seen before the worker');
      if (!WORKER_BLOB_IMPORT.test(text)) throw new Error('tfjs threads under Node: unexpected worker script (tfjs version?)');
      text = text.replace(WORKER_BLOB_IMPORT, `importScripts(${JSON.stringify(mainScriptFile)});`);
      const file = path.join(dir, 'worker.js');
      fs.writeFileSync(file, text);
      return file;
    }
    return originalCreateObjectURL.call(URL, blob);
  };
  // The workers read the files after initialisation returns; remove them when the process ends.
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    return await initialise();
  } finally {
    os.cpus = originalCpus;
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
  }
}
