// Node's JPEG/PNG codec (dist/node/hairmatte-codec.{mjs,wasm}, bindings/codec_module.cc): a small wasm
// module of its own, so that the engine's wasm builds carry no codec and serve browsers and Node alike.
// useNodeCodec(module) gives a loaded engine module's Engine the codec's fileBuffer()/decodeImage()/
// decodedView()/decodedWidth()/decodedHeight()/encodePng()/encodedView(), in place of the engine's own
// (which answer that this build has no codec), so HairMatte.decodeImage()/encodePng() work unchanged.
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
  Object.assign(module.Engine.prototype, {
    fileBuffer: (size) => view(codec._hm_codec_input(size), size),
    decodeImage: () => codec.UTF8ToString(codec._hm_codec_decode()),
    decodedView: output,
    decodedWidth: () => codec._hm_codec_width(),
    decodedHeight: () => codec._hm_codec_height(),
    encodePng: (width, height, channels) => codec.UTF8ToString(codec._hm_codec_encode_png(width, height, channels)),
    encodedView: output,
  });
}
