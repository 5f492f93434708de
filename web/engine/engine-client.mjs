// Main-thread handle on the engine. Runs engine-core.mjs in a module Worker when one can be started (so
// the page stays responsive while the network runs), else on the main thread through the same code.
import { createEngineCore } from './engine-core.mjs';
import { BUNDLED_MODELS } from '../../bindings/js/constants.mjs';

// Where the package's JS API lives, relative to this file: web/engine/ -> bindings/js/index.mjs.
// Informational: engine-core.mjs imports that module by a literal relative specifier when no apiUrl is
// given, so bundlers bundle the library with the widget (a `new URL(...)` here would make them copy the
// file as an asset, without the modules it imports). import.meta.url goes through a variable so that no
// bundler takes this for such an asset reference.
const HERE = import.meta.url;
export const DEFAULT_API_URL = new URL('../../bindings/js/index.mjs', HERE).href;

class WorkerTransport {
  constructor() {
    this.worker = new Worker(new URL('./engine-worker.mjs', import.meta.url), { type: 'module' });
    this.pending = new Map();
    this.nextId = 1;
    this.worker.onmessage = ({ data }) => {
      const entry = this.pending.get(data.id);
      if (!entry) return;
      if (data.progress) { entry.onProgress?.(data.progress); return; }
      this.pending.delete(data.id);
      if (data.ok) entry.resolve(data); else entry.reject(new Error(data.error));
    };
    this.worker.onerror = (event) => {
      // A module that fails to load in the worker lands here, not in onmessage.
      const error = new Error(`engine worker failed: ${event.message || 'script error'}`);
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
    };
  }
  request(message, transfer = []) {
    const id = this.nextId++;
    // A function cannot be posted: the worker is told to report progress, which comes back by id.
    const { onProgress, ...plain } = message;
    message = onProgress ? { ...plain, progress: true } : plain;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }
  close() { this.worker.terminate(); }
}

class InlineTransport {
  constructor() { this.handle = createEngineCore(); }
  async request(message) {
    const { reply } = await this.handle(message);
    return reply;
  }
  close() {}
}

// A model URL relative to the page must not be resolved against the worker script's URL.
function absoluteModel(model) {
  if (typeof model !== 'string' || BUNDLED_MODELS.includes(model) || typeof document === 'undefined') return model;
  return new URL(model, document.baseURI).href;
}

export class EngineClient {
  // options: HairMatte.create options ({model, threads, refine, temporal}); apiUrl: the module to import
  // (default: the package's own, imported by engine-core.mjs so that bundlers follow it);
  // onProgress({loaded, total}): bytes of the model and wasm downloaded (HairMatte.create's onProgress).
  static async create({ options, apiUrl, useWorker = true, onProgress } = {}) {
    options = { ...options, model: absoluteModel(options.model) };
    let workerError = null;
    if (useWorker && typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined') {
      const transport = new WorkerTransport();
      try {
        const { info } = await transport.request({ type: 'init', apiUrl, options, onProgress });
        return new EngineClient(transport, info, true);
      } catch (e) {
        transport.close();
        workerError = e;
      }
    }
    const transport = new InlineTransport();
    try {
      const { info } = await transport.request({ type: 'init', apiUrl, options, onProgress });
      return new EngineClient(transport, info, false);
    } catch (e) {
      // Report the main-thread error: it is the one that does not depend on Worker support.
      if (workerError && workerError.message !== e.message) e.message += ` (in a worker: ${workerError.message})`;
      throw e;
    }
  }

  constructor(transport, info, inWorker) {
    this.transport = transport;
    this.info = info;
    this.inWorker = inWorker;
  }

  // frame: ImageBitmap (transferred, so it is closed afterwards) or {data, width, height} RGBA.
  // Resolves to {rgba, matte, segmentMs}: the exact pixels that were segmented and their matte.
  segment(frame, { reset = false } = {}) {
    const transfer = [];
    if (this.inWorker) {
      if (typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap) transfer.push(frame);
      else if (frame.data && frame.data.buffer) {
        frame = { data: frame.data.slice(), width: frame.width, height: frame.height };
        transfer.push(frame.data.buffer);
      }
    }
    return this.transport.request({ type: 'segment', frame, reset }, transfer);
  }

  reset() { return this.transport.request({ type: 'reset' }); }

  async dispose() {
    try { await this.transport.request({ type: 'dispose' }); } finally { this.transport.close(); }
  }
}
