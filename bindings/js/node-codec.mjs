// Node's JPEG/PNG codec (dist/node/hairmatte-codec.{mjs,wasm}, bindings/codec_module.cc): a small wasm
// module of its own, so that the engine's wasm builds carry no codec and serve browsers and Node alike.
// useNodeCodec(module) gives a loaded engine module its `codec` ({ decode, encodePng }, below), which
// HairMatte.decodeImage()/encodePng() use; in browsers a module has none and those calls say so.
// The codec is loaded once per process; each call copies in, runs and is read out before the next.
const HERE = import.meta.url;  // through a variable: bundlers must not take these files for assets
// (and the specifiers are built at run time, so bundlers leave these Node-only imports alone).
const importNode = (name) => import(/* webpackIgnore: true */ /* @vite-ignore */ `node:${name}`);
let codecPromise = null;

async function loadCodec() {
  const glueUrl = new URL('../../dist/node/hairmatte-codec.mjs', HERE);
  const fs = await importNode('fs/promises');
  const [glue, wasmBinary] = await Promise.all([
    import(/* webpackIgnore: true */ /* @vite-ignore */ glueUrl.href),
    fs.readFile(new URL('../../dist/node/hairmatte-codec.wasm', HERE)),
  ]);
  return glue.default({ wasmBinary });
}

export async function useNodeCodec(module) {
  codecPromise ??= loadCodec();
  let codec;
  try {
    codec = await codecPromise;
  } catch (e) {
    codecPromise = null;
    throw new Error(`hairmatte: cannot load the image codec (dist/node/hairmatte-codec.mjs): ${e.message}; ` +
      'was `npm run build` run?');
  }
  const view = (pointer, size) => codec.HEAPU8.subarray(pointer, pointer + size);
  const output = () => view(codec._hm_codec_output(), codec._hm_codec_output_size());
  const input = (bytes) => view(codec._hm_codec_input(bytes.length), bytes.length).set(bytes);
  module.codec = {
    // JPEG/PNG file bytes -> { error } or { width, height, data: Uint8ClampedArray (RGBA) }.
    decode(bytes) {
      input(bytes);
      const error = codec.UTF8ToString(codec._hm_codec_decode());
      if (error) return { error };
      return { width: codec._hm_codec_width(), height: codec._hm_codec_height(), data: new Uint8ClampedArray(output()) };
    },
    // width x height x channels bytes -> { error } or { bytes: Uint8Array (the PNG file) }.
    encodePng(pixels, width, height, channels) {
      input(pixels);
      const error = codec.UTF8ToString(codec._hm_codec_encode_png(width, height, channels));
      return error ? { error } : { bytes: output().slice() };
    },
  };
}
