// The engine side of the web layer: owns one HairMatte instance (the package's JS API) and answers
// requests ({type, ...}) with plain, transferable replies. It runs inside engine-worker.mjs (off the main
// thread) or, where a module Worker cannot be used, directly on the main thread through the same code.
//
// Requests:
//   {type:'init', apiUrl, options:{model, threads, refine, temporal}} -> {info}
//     (apiUrl undefined: the package's own bindings/js/index.mjs, imported so that bundlers follow it;
//     onProgress({loaded, total}) on the request, a function, reports the download; see engine-worker.mjs)
//   {type:'segment', frame: ImageBitmap | {data,width,height}, reset?} -> {rgba, matte, hairStats, segmentMs,
//     readPath}
//   {type:'reset'} -> {}      {type:'dispose'} -> {}

import { computeHairStats } from '../color/hair-stats.mjs';
import { describeFrame, SourceReader } from '../../bindings/js/frame.mjs';

export function createEngineCore() {
  let hm = null;
  let reader = null;  // the library's SourceReader (made on the first ImageBitmap)

  // ImageBitmap -> {data: Uint8Array RGBA, width, height}, read by the library's own reader
  // (bindings/js/frame.mjs, what HairMatte.segment uses for browser sources): WebGL2 uploads the bitmap and
  // readPixels writes it straight into `data`, the buffer that goes back to the page with the matte (no
  // ImageData per frame); a 2D canvas only where WebGL2 fails. `data` is a plain ArrayBuffer, not the wasm
  // heap: it is transferred to the page, and readPixels may refuse a view of the threaded build's shared
  // memory. The engine then sees plain pixels, the same in a Worker and on the main thread.
  function readPixels(frame) {
    if (ArrayBuffer.isView(frame.data)) return frame;
    try {
      const { width, height, source } = describeFrame(frame);  // a clear Error for a closed bitmap
      const data = new Uint8Array(width * height * 4);
      if (!reader) reader = new SourceReader();
      reader.read(source, width, height, data);
      return { data, width, height };
    } finally {
      if (typeof frame.close === 'function') frame.close();
    }
  }

  function requireEngine() {
    if (!hm) throw new Error('the engine is not initialised (init first)');
    return hm;
  }

  const handlers = {
    async init({ apiUrl, options, onProgress }) {
      if (hm) { hm.dispose(); hm = null; }
      let api;
      try {
        api = apiUrl === undefined
          ? await import('../../bindings/js/index.mjs')
          : await import(/* webpackIgnore: true */ /* @vite-ignore */ apiUrl);
      } catch (e) {
        throw new Error(`could not load the hairmatte module from ${apiUrl ?? 'bindings/js/index.mjs'}: ${e.message}`);
      }
      if (!api.HairMatte) throw new Error(`${apiUrl} does not export HairMatte`);
      hm = await api.HairMatte.create(onProgress ? { ...options, onProgress } : options);
      return { info: { ...hm.info } };
    },
    segment({ frame, reset }) {
      const engine = requireEngine();
      const pixels = readPixels(frame);
      if (reset) engine.reset();
      const t0 = performance.now();
      const matte = engine.segment(pixels);
      const segmentMs = performance.now() - t0;
      // The recolour's per-frame uniforms, computed here so the main thread only draws.
      const hairStats = computeHairStats(pixels.data, matte.data, pixels.width, pixels.height);
      const rgba = { data: new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength),
        width: pixels.width, height: pixels.height };
      // readPath: how a bitmap was read ('webgl2' | '2d'), null for raw pixels (diagnostics and tests).
      const readPath = pixels === frame ? null : reader.lastPath;
      return { reply: { rgba, matte, hairStats, segmentMs, readPath }, transfer: [rgba.data.buffer, matte.data.buffer] };
    },
    reset() { requireEngine().reset(); return {}; },
    dispose() { if (hm) { hm.dispose(); hm = null; } return {}; },
  };

  // Returns {reply, transfer}; throws an Error with a readable message on failure.
  return async function handle(request) {
    const handler = handlers[request.type];
    if (!handler) throw new Error(`unknown engine request '${request.type}'`);
    const result = await handler(request);
    return result && 'reply' in result ? result : { reply: result, transfer: [] };
  };
}
