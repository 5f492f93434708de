// Module Worker that runs the engine off the main thread (see engine-core.mjs for the requests).
// Each message carries an id; the reply carries the same id and either ok:true + fields or ok:false + error.
import { createEngineCore } from './engine-core.mjs';

const handle = createEngineCore();
let queue = Promise.resolve();  // requests run one at a time, in order

self.onmessage = ({ data: request }) => {
  queue = queue.then(async () => {
    try {
      // Download progress crosses to the main thread as extra messages with the request's id.
      if (request.progress) request.onProgress = (progress) => self.postMessage({ id: request.id, progress });
      const { reply, transfer } = await handle(request);
      self.postMessage({ id: request.id, ok: true, ...reply }, transfer);
    } catch (e) {
      self.postMessage({ id: request.id, ok: false, error: String(e && e.message || e) });
    }
  });
};
