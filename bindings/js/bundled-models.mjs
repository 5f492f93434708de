// The models in the package (dist/models/, copied from models/ by scripts/build-wasm.sh), each named by a
// literal `new URL('...', import.meta.url)`: the form Vite, webpack and Rollup's asset plugins recognise,
// so a bundled app gets the model file emitted and its URL rewritten with no configuration. Behind a
// function so that nothing is resolved until a model is asked for.
// The wasm builds the same way, for HairMatte.create's onProgress, which fetches the .wasm itself (the
// glue names the same files, so a bundler emits each once).
export const BUNDLED_MODEL_URLS = Object.freeze({
  hairmattenet: () => new URL('../../dist/models/hairmattenet.hmm', import.meta.url),
  hairsegnet: () => new URL('../../dist/models/hairsegnet.hmm', import.meta.url),
  'hairmattenet-int8': () => new URL('../../dist/models/hairmattenet-int8.hmm', import.meta.url),
});

export const BUNDLED_WASM_URLS = Object.freeze({
  'simd': () => new URL('../../dist/hairmatte-simd.wasm', import.meta.url),
  'simd-threads': () => new URL('../../dist/hairmatte-simd-threads.wasm', import.meta.url),
  'plain': () => new URL('../../dist/hairmatte-plain.wasm', import.meta.url),
});
