// A user's app: it imports the package by name and nothing else. No wasmPath, no locateFile: the
// bundler finds the wasm, the worker and the model through the package's `new URL(..., import.meta.url)`.
// The frame comes from the test (window.runMatte) so that Node can compute the expected matte on the
// same pixels.
import { HairMatte } from 'hairmatte';

window.runMatte = async (threads, pixels, width, height, options = {}) => {
  const hm = await HairMatte.create({ model: 'hairmattenet', threads, ...options });
  try {
    const matte = hm.segment({ data: new Uint8Array(pixels), width, height });
    const { build, simd, model } = hm.info;
    return { info: { build, simd, model, threads: hm.info.threads }, alpha: Array.from(matte.data) };
  } finally {
    hm.dispose();
  }
};
window.appReady = true;
