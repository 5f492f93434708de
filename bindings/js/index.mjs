// hairmatte: live hair matting in SIMD WebAssembly, for browsers and Node 20.
//
//   import { HairMatte } from 'hairmatte';
//   const hm = await HairMatte.create({ model: 'hairmattenet', threads: 1 });
//   const matte = hm.segment({ data: rgba, width, height });  // -> { width, height, data: Uint8Array }
//   hm.dispose();
//
// This file validates every input (so that C++ only ever sees well-formed requests), picks and loads the
// wasm build, and turns the engine's error strings into Errors. Each instance owns its own wasm module:
// dispose() releases all of its memory and (pthread build) terminates its workers. Inside, the module's
// Embind classes (bindings/embind.cc, image_buffer.cc, recolor_binding.cc) are a Segmenter, a Recolorer and
// the ImageBuffers in the wasm heap that every call names: the frame, the matte, the recoloured image.
import { loadWasmModule, resolveAsset, chooseBuild, BUILDS, readUrlBytes, progressSum } from './loader.mjs';
import { readModelBytes, BUNDLED_MODELS } from './model-source.mjs';
import { describeFrame, SourceReader } from './frame.mjs';
import {
  MAX_THREADS, MIN_INPUT_SIZE, MAX_INPUT_SIZE, INPUT_SIZE_STEP, MAX_FRAME_SIDE, ARCH_NAMES, RECOLOR_MODES,
  REFINE_MODES, QUALITIES, DEFAULT_LOOK_STRENGTH, ENCODER_WIDTHS, MIN_DECODER_DEPTH, MAX_DECODER_DEPTH,
} from './constants.mjs';

export const VERSION = '0.1.0';
export { BUNDLED_MODELS };

const OPTION_NAMES = ['model', 'threads', 'refine', 'temporal', 'trackHead', 'quality', 'inputSize', 'wasmPath',
  'locateFile', 'build', 'onProgress'];
const RANDOM_OPTION_NAMES = ['random', 'decoderDepth', 'widthPermille', 'inputSize', 'seed'];
const quoted = (names) => names.map((n) => `'${n}'`).join(', ');

function fail(message) {
  throw new Error(`hairmatte: ${message}`);
}

function describe(value) {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `an object (${value.constructor ? value.constructor.name : 'no prototype'})`;
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '...' : value}'`;
  return `${typeof value} ${String(value)}`;
}

function checkInteger(name, value, min, max) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer in ${min}..${max}, got ${describe(value)}`);
  }
}

function checkKnownKeys(what, object, allowed) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(`unknown ${what} '${key}' (known: ${allowed.join(', ')})`);
  }
}

// Validates create() options and fills the defaults. Throws before anything is loaded.
function normalizeOptions(options) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(`create() takes an options object, got ${describe(options)}`);
  }
  checkKnownKeys('option', options, OPTION_NAMES);
  const out = {
    model: options.model === undefined ? BUNDLED_MODELS[0] : options.model,
    threads: options.threads === undefined ? 1 : options.threads,
    refine: options.refine === undefined ? REFINE_MODES[0] : options.refine,
    temporal: options.temporal === undefined ? 0 : options.temporal,
    trackHead: options.trackHead === undefined ? true : options.trackHead,
    quality: options.quality === undefined ? QUALITIES[0] : options.quality,
    inputSize: options.inputSize,
    wasmPath: options.wasmPath,
    locateFile: options.locateFile,
    build: options.build === undefined ? 'auto' : options.build,
    onProgress: options.onProgress,
  };
  checkInteger('threads', out.threads, 1, MAX_THREADS);
  if (!BUILDS.includes(out.build)) {
    fail(`build must be one of ${BUILDS.map((b) => `'${b}'`).join(', ')}, got ${describe(out.build)}`);
  }
  if (!REFINE_MODES.includes(out.refine)) {
    fail(`refine must be one of ${quoted(REFINE_MODES)}, got ${describe(out.refine)}`);
  }
  if (typeof out.temporal !== 'number' || !(out.temporal >= 0 && out.temporal <= 1)) {
    fail(`temporal must be a number in [0, 1] (0 = off), got ${describe(out.temporal)}`);
  }
  if (typeof out.trackHead !== 'boolean') fail(`trackHead must be true or false, got ${describe(out.trackHead)}`);
  if (!QUALITIES.includes(out.quality)) {
    fail(`quality must be one of ${quoted(QUALITIES)}, got ${describe(out.quality)}`);
  }
  // Omitted: the size the model was trained at. 0 is not a way to say that (it used to mean it, silently).
  if (out.inputSize !== undefined) {
    checkInteger('inputSize', out.inputSize, MIN_INPUT_SIZE, MAX_INPUT_SIZE);
    if (out.inputSize % INPUT_SIZE_STEP !== 0) fail(`inputSize must be a multiple of ${INPUT_SIZE_STEP}, got ${out.inputSize}`);
  }
  if (out.wasmPath !== undefined && typeof out.wasmPath !== 'string' && !(out.wasmPath instanceof URL)) {
    fail(`wasmPath must be a string or URL (the folder holding hairmatte-*.wasm), got ${describe(out.wasmPath)}`);
  }
  if (out.locateFile !== undefined && typeof out.locateFile !== 'function') {
    fail(`locateFile must be a function (fileName) => url, got ${describe(out.locateFile)}`);
  }
  if (out.onProgress !== undefined && typeof out.onProgress !== 'function') {
    fail(`onProgress must be a function ({loaded, total}) => void, got ${describe(out.onProgress)}`);
  }
  const model = out.model;
  if (model !== null && typeof model === 'object' && !ArrayBuffer.isView(model) &&
      !(model instanceof ArrayBuffer) && !(model instanceof URL)) {
    checkKnownKeys('random-model option', model, RANDOM_OPTION_NAMES);
    if (!ARCH_NAMES.includes(model.random)) {
      fail(`model.random must be one of ${quoted(ARCH_NAMES)}, got ${describe(model.random)}`);
    }
    out.randomModel = {
      arch: model.random,
      decoderDepth: model.decoderDepth === undefined ? 64 : model.decoderDepth,
      widthPermille: model.widthPermille === undefined ? 1000 : model.widthPermille,
      inputSize: model.inputSize === undefined ? (out.inputSize ?? 224) : model.inputSize,
      seed: model.seed === undefined ? 1 : model.seed,
    };
    checkInteger('model.decoderDepth', out.randomModel.decoderDepth, MIN_DECODER_DEPTH, MAX_DECODER_DEPTH);
    if (!ENCODER_WIDTHS.includes(out.randomModel.widthPermille)) {
      fail(`model.widthPermille must be ${ENCODER_WIDTHS.slice(0, -1).join(', ')} or ${ENCODER_WIDTHS.at(-1)}, got ${
        describe(out.randomModel.widthPermille)}`);
    }
    checkInteger('model.inputSize', out.randomModel.inputSize, MIN_INPUT_SIZE, MAX_INPUT_SIZE);
    if (out.randomModel.inputSize % INPUT_SIZE_STEP !== 0) fail(`model.inputSize must be a multiple of ${INPUT_SIZE_STEP}`);
    checkInteger('model.seed', out.randomModel.seed, 0, 0xffffffff);
  }
  return out;
}

export class HairMatte {
  #module = null;
  #engine = null;     // the Segmenter: model, options, segment, probability
  #recolorer = null;  // made on the first recolor()
  #images = null;     // ImageBuffers in the wasm heap: frame (RGBA), alpha (segment's matte), matte, recolored
  #info = null;
  #reader = null;  // reads browser image sources into the frame buffer (made on first use)

  // Use HairMatte.create(); the constructor is not part of the API.
  constructor(token, module, engine, info) {
    if (token !== CONSTRUCT) fail('use `await HairMatte.create(options)` to make an instance');
    this.#module = module;
    this.#engine = engine;
    this.#info = info;
    this.#images = { frame: new module.ImageBuffer(), alpha: new module.ImageBuffer() };
  }

  static async create(options) {
    const opts = normalizeOptions(options);
    const { build, threads } = chooseBuild(opts.threads, opts.build, fail);  // loader.mjs
    // With onProgress the model and the wasm download together (so the total is known early) and their
    // bytes are counted; without it the wasm is left to the glue (streaming compilation).
    const track = opts.onProgress ? progressSum(opts.onProgress, opts.randomModel ? 1 : 2) : null;
    const wasmBytes = track ? readUrlBytes(resolveAsset(`hairmatte-${build}.wasm`, opts), track()) : null;
    if (wasmBytes) wasmBytes.catch(() => {});  // a model error below is the one reported
    // Fetch the model first: a bad URL or name fails before a wasm module is instantiated.
    const modelTrack = track && !opts.randomModel ? track() : null;
    const modelBytes = opts.randomModel ? null : await readModelBytes(opts.model, (name) => resolveAsset(name, opts), modelTrack);
    if (modelTrack) modelTrack(modelBytes.length, modelBytes.length);  // bytes given directly count as loaded
    const module = await loadWasmModule(build, threads, opts, wasmBytes);
    let engine = null;
    try {
      engine = new module.Segmenter();
      let error;
      if (modelBytes) {
        module.copyInto(engine.modelBuffer(modelBytes.length), modelBytes);
        error = engine.loadModel(opts.inputSize ?? 0, threads);  // 0: the model's own size (embind.cc)
      } else {
        const r = opts.randomModel;
        error = engine.randomModel(r.arch, r.decoderDepth, r.widthPermille, r.inputSize, r.seed, threads);
      }
      if (error) fail(error);
      error = engine.setOptions(opts.refine, opts.temporal, opts.trackHead, opts.quality);
      if (error) fail(error);
      const info = Object.freeze({
        model: engine.arch(),
        inputSize: engine.inputSize(),
        decoderDepth: engine.decoderDepth(),
        widthPermille: engine.widthPermille(),
        precision: engine.precision(),
        simd: build !== 'plain',
        threads: engine.threads(),
        build,
        refine: opts.refine,
        temporal: opts.temporal,
        trackHead: opts.trackHead,
        quality: opts.quality,
        matteLevelLow: engine.matteLevelLow(),
        multiplyAdds: engine.multiplyAdds(),
        arenaBytes: engine.arenaBytes(),
        metadata: parseMetadata(engine.metadata()),
        version: VERSION,
      });
      return new HairMatte(CONSTRUCT, module, engine, info);
    } catch (e) {
      if (engine) { engine.release(); engine.delete(); }
      module.shutdown();
      throw e;
    }
  }

  get info() {
    this.#check();
    return this.#info;
  }

  // frame: ImageData | {data: Uint8Array|Uint8ClampedArray (RGBA), width, height}, or in browsers an
  // HTMLVideoElement, HTMLCanvasElement, HTMLImageElement, OffscreenCanvas or ImageBitmap.
  // Returns the alpha matte at the frame's resolution: { width, height, data: Uint8Array } (a copy).
  segment(frame) {
    this.#check();
    const { width, height } = this.#writeFrame(describeFrame(frame));
    const { frame: pixels, alpha } = this.#images;
    const error = this.#engine.segment(pixels, alpha);
    if (error) fail(error);
    return { width, height, data: alpha.view().slice() };
  }

  // The network's hair probability P(hair) in [0, 1] for `frame` (any segment() frame), as floats at the
  // frame's resolution: the softmax output of the network on its region of the frame, mapped bilinearly
  // onto the frame's pixels (0 outside the region). Unlike segment(), no guided refinement, no temporal
  // smoothing, no matte levels, no 8-bit rounding, and no state change (the region is the one the next
  // segment() would use; the temporal state and head tracking are left alone). For thresholding at your
  // own level, metrics, or comparing with PyTorch. Returns { width, height, data: Float32Array, region:
  // { x, y, width, height } } where region is the part of the frame the network saw (stretched to its
  // square input): the whole frame for a still.
  segmentProbability(frame) {
    this.#check();
    const { width, height } = this.#writeFrame(describeFrame(frame));
    const error = this.#engine.probability(this.#images.frame);
    if (error) fail(error);
    const data = this.#engine.probabilityView().slice();
    const [x, y, regionWidth, regionHeight] = this.#engine.probabilityRegion();
    return { width, height, data, region: { x, y, width: regionWidth, height: regionHeight } };
  }

  // Writes a described frame's RGBA pixels into the frame ImageBuffer (no allocation in the steady
  // state: the buffer is kept while the size stays, browser sources are read straight into it).
  #writeFrame(frame) {
    const { width, height } = frame;
    const view = this.#images.frame.resize(width, height, 4);
    if (view === null) fail(`frame size ${width}x${height} is not supported`);
    if (frame.source) {
      if (!this.#reader) this.#reader = new SourceReader();
      this.#reader.read(frame.source, width, height, view);
    } else {
      this.#module.copyInto(view, frame.data);
    }
    return frame;
  }

  // How the last browser image source was read: 'webgl2' (straight into wasm memory) or '2d' (canvas +
  // getImageData); null before any. For diagnostics and tests.
  get sourcePath() {
    this.#check();
    return this.#reader ? this.#reader.lastPath : null;
  }

  // Recolours the hair of `frame` (any segment() frame) under `matte` (a segment() result for this frame;
  // computed with segment() when omitted). look: { color: '#RRGGBB', mode: one of RECOLOR_MODES (the first
  // is the default), colorEnd: '#RRGGBB' (ombre tips; default color), strength: 0..1 (default
  // DEFAULT_LOOK_STRENGTH) } (constants.mjs; index.d.ts spells them out).
  // Returns RGBA pixels { width, height, data: Uint8ClampedArray } (new ImageData(data, width, height)).
  recolor(frame, look, matte) {
    this.#check();
    const { color, colorEnd, mode, strength } = normalizeLook(look);
    const described = describeFrame(frame);
    const { width, height } = described;
    if (matte !== undefined) checkMatte(matte, width, height);
    if (!this.#recolorer) {
      this.#recolorer = new this.#module.Recolorer();
      this.#images.matte = new this.#module.ImageBuffer();
      this.#images.recolored = new this.#module.ImageBuffer();
    }
    const images = this.#images;
    this.#writeFrame(described);
    // The matte the recolour reads: segment()'s own output, or the caller's copied in.
    let under = images.alpha;
    if (matte === undefined) {
      const error = this.#engine.segment(images.frame, images.alpha);
      if (error) fail(error);
    } else {
      this.#module.copyInto(images.matte.resize(width, height, 1), matte.data);
      under = images.matte;
    }
    let error = this.#recolorer.setLook(color, colorEnd, mode, strength);
    if (error) fail(error);
    error = this.#recolorer.recolor(images.frame, under, images.recolored);
    if (error) fail(error);
    return { width, height, data: new Uint8ClampedArray(images.recolored.view()) };
  }

  // JPEG or PNG file bytes -> RGBA pixels { width, height, data: Uint8ClampedArray } (decoded in wasm, by
  // Node's codec module: node-codec.mjs; browsers decode with createImageBitmap).
  decodeImage(bytes) {
    this.#check();
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    if (!(bytes instanceof Uint8Array)) fail(`decodeImage() takes a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
    if (bytes.length === 0) fail('decodeImage(): the image file is empty');
    if (bytes.length > 0x7fffffff) fail('decodeImage(): the image file is larger than 2 GiB');
    const codec = this.#module.codec;
    if (!codec) {
      fail('decodeImage(): there is no image codec outside Node (in Node every build has one); ' +
        'in browsers decode with createImageBitmap() or an <img>');
    }
    const { error, width, height, data } = codec.decode(bytes);
    if (error) fail(error);
    return { width, height, data };
  }

  // Pixels -> PNG file bytes. image: { width, height, data } with 1 (grey, e.g. a matte), 3 (RGB) or
  // 4 (RGBA) bytes per pixel.
  encodePng(image) {
    this.#check();
    if (image === null || typeof image !== 'object') fail(`encodePng() takes {width, height, data}, got ${describe(image)}`);
    const { width, height, data } = image;
    if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
      fail(`encodePng(): data must be a Uint8Array or Uint8ClampedArray, got ${describe(data)}`);
    }
    checkInteger('encodePng(): width', width, 1, MAX_FRAME_SIDE);
    checkInteger('encodePng(): height', height, 1, MAX_FRAME_SIDE);
    const channels = data.length / (width * height);
    if (![1, 3, 4].includes(channels)) {
      fail(`encodePng(): ${data.length} bytes is not 1, 3 or 4 bytes per pixel of a ${width}x${height} image`);
    }
    const codec = this.#module.codec;
    if (!codec) {
      fail('encodePng(): there is no image codec outside Node (in Node every build has one); ' +
        'in browsers use a canvas (toBlob)');
    }
    const { error, bytes } = codec.encodePng(data, width, height, channels);
    if (error) fail(error);
    return bytes;
  }

  // Forget the temporal state and the head's region (a new video, a new person, a photo): the next frame
  // is segmented whole, as a still.
  reset() {
    this.#check();
    this.#engine.reset();
  }

  // Frees the wasm memory (and terminates the worker threads). Any later call throws.
  dispose() {
    if (!this.#engine) return;
    for (const object of [this.#engine, this.#recolorer, ...Object.values(this.#images)]) {
      if (!object) continue;
      if (object.release) object.release();
      object.delete();
    }
    this.#engine = null;
    this.#recolorer = null;
    this.#images = null;
    this.#module.shutdown();
    this.#module = null;
    this.#reader = null;
  }

  // Bytes of WebAssembly memory this instance holds (it only grows; for leak checks).
  get memoryBytes() {
    this.#check();
    return this.#module.HEAPU8.buffer.byteLength;
  }

  get disposed() {
    return this.#engine === null;
  }

  #check() {
    if (!this.#engine) fail('this HairMatte instance was disposed; create a new one');
  }
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

function normalizeLook(look) {
  if (look === null || typeof look !== 'object' || Array.isArray(look)) {
    fail(`recolor() takes a look object {color, mode, strength, colorEnd}, got ${describe(look)}`);
  }
  checkKnownKeys('recolor option', look, ['color', 'colorEnd', 'mode', 'strength']);
  const out = {
    color: look.color,
    colorEnd: look.colorEnd === undefined ? look.color : look.colorEnd,
    mode: look.mode === undefined ? RECOLOR_MODES[0] : look.mode,
    strength: look.strength === undefined ? DEFAULT_LOOK_STRENGTH : look.strength,
  };
  if (out.color === undefined) fail("recolor() needs a color: { color: '#RRGGBB' }");
  if (typeof out.color !== 'string' || !HEX_COLOR.test(out.color)) {
    fail(`color must be a '#RRGGBB' string, got ${describe(out.color)}`);
  }
  if (typeof out.colorEnd !== 'string' || !HEX_COLOR.test(out.colorEnd)) {
    fail(`colorEnd must be a '#RRGGBB' string, got ${describe(out.colorEnd)}`);
  }
  if (!RECOLOR_MODES.includes(out.mode)) {
    fail(`mode must be one of ${quoted(RECOLOR_MODES)}, got ${describe(out.mode)}`);
  }
  if (typeof out.strength !== 'number' || !(out.strength >= 0 && out.strength <= 1)) {
    fail(`strength must be a number in [0, 1], got ${describe(out.strength)}`);
  }
  return out;
}

function checkMatte(matte, width, height) {
  if (matte === null || typeof matte !== 'object' || !(matte.data instanceof Uint8Array)) {
    fail('matte must be a segment() result {width, height, data: Uint8Array}');
  }
  if (matte.width !== width || matte.height !== height || matte.data.length !== width * height) {
    fail(`matte is ${matte.width}x${matte.height} (${matte.data.length} bytes) but the frame is ${width}x${height}`);
  }
}

const CONSTRUCT = Symbol('HairMatte.create');

function parseMetadata(json) {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}
