// Type declarations of the `hairmatte` ES module (bindings/js/index.mjs).
/// <reference lib="dom" />
// Compiles with TypeScript 5.0 and newer (tests/node/types.test.mjs checks the oldest and the newest).

/**
 * A Uint8Array that owns its ArrayBuffer: `Uint8Array<ArrayBuffer>` from TypeScript 5.7 (typed arrays
 * generic over their buffer), plain `Uint8Array` before. Spelled through `slice()`, which returns exactly
 * that in every version, because `Uint8Array<ArrayBuffer>` is an error before 5.7.
 */
export type OwnedUint8Array = ReturnType<Uint8Array['slice']>;
/** The Uint8ClampedArray twin of OwnedUint8Array. */
export type OwnedUint8ClampedArray = ReturnType<Uint8ClampedArray['slice']>;
/** The Float32Array twin of OwnedUint8Array. */
export type OwnedFloat32Array = ReturnType<Float32Array['slice']>;
/** WebCodecs' VideoFrame where the DOM library declares it (newer TypeScript; not 5.0), else nothing. */
export type VideoFrameIfDeclared = typeof globalThis extends { VideoFrame: { prototype: infer F } } ? F : never;

/** A colour as '#RRGGBB'. */
export type HexColor = `#${string}`;

/**
 * The wasm builds: 'simd-threads' (SIMD128 + pthreads), 'simd' (SIMD128, one thread), 'plain' (no SIMD128,
 * one thread: the scalar reference kernels, for engines without SIMD128).
 */
export type WasmBuild = 'simd-threads' | 'simd' | 'plain';

/** The architectures a bundled model or a random-weight model can have. */
export type Architecture = 'hairmattenet' | 'hairsegnet';

/**
 * The bundled models, by name (dist/models/NAME.hmm, also exported as 'hairmatte/models/NAME.hmm').
 * 'hairmattenet-int8' is HairMatteNet quantised to int8 (docs/model-format.md, version 2, or 3 when
 * some weights are codebook-packed): run by the engine's int8 network, with `info.precision` 'int8'.
 */
export type BundledModel = Architecture | 'hairmattenet-int8';

/**
 * What a model's weights were stored as, and so what runs: 'fp32' and 'fp16' files run the fp32 network,
 * 'int8' files (quantised, with activation scales) the int8 network.
 */
export type ModelPrecision = 'fp32' | 'fp16' | 'int8';

/**
 * A string the `model` option reads as a file's location rather than a model name: a URL ('https:...',
 * 'data:...'), a path with a '/' or '\\', or a name ending in '.hmm'. So a misspelt bundled name
 * ('hairmatenet') is a type error, as it is an Error at run time.
 */
export type ModelLocation = `${string}:${string}` | `${string}/${string}` | `${string}\\${string}` | `${string}.hmm`;

/** Builds the architecture with random weights (tests, benchmarks): no trained file needed. */
export interface RandomModelSpec {
  random: Architecture;
  /** Decoder depth D (the paper's Table II: 16/32/64/128). Default 64. */
  decoderDepth?: number;
  /** MobileNet-v1 width alpha x 1000: 250, 500, 750 or 1000 (default). */
  widthPermille?: number;
  /** Network input size, a multiple of 32. Default: the `inputSize` option, else 224. */
  inputSize?: number;
  /** Seed of the weights. Default 1. */
  seed?: number;
}

export interface HairMatteOptions {
  /**
   * A bundled model name, a URL (or in Node a file path) of a .hmm file, its bytes, or a random-weight
   * spec. Default 'hairmattenet'.
   */
  model?: BundledModel | ModelLocation | URL | ArrayBuffer | Uint8Array | RandomModelSpec;
  /** 1..16. More than 1 uses the SIMD+pthread build (Node: always; browsers: when crossOriginIsolated). */
  threads?: number;
  /**
   * How the network's matte reaches frame resolution: 'guided' (the fast guided filter, edges follow the
   * frame; default) or 'none' (bilinear).
   */
  refine?: 'guided' | 'none';
  /** 0 = off (default); up to 1: frame-to-frame smoothing for video, strongest where the matte is unsure. */
  temporal?: number;
  /**
   * What the network sees. A still (every frame when `temporal` is 0 or `trackHead` is false, and the first
   * frame after create() or reset()) is seen whole: the frame stretched to the network's square, as in
   * training. Video (`temporal` > 0 and `trackHead` true, the default) then sees a square that follows the
   * head and grows to cover the hair of recent frames, clipped to the frame.
   */
  trackHead?: boolean;
  /**
   * 'fast' (default): the network once per frame. 'best': also on the frame's mirror image, the two
   * averaged: twice the network's time, for stills.
   */
  quality?: 'fast' | 'best';
  /**
   * Plan a trained model at another input size (a multiple of 32 in 32..4096; 0 is refused). Default: the
   * size it was trained at. A size whose network cannot fit in the 2 GiB wasm memory rejects with an Error
   * naming the memory it needs and the limit.
   */
  inputSize?: number;
  /** The folder (URL) holding hairmatte-*.wasm, the glue's worker and models/ (CDN, bundler output). */
  wasmPath?: string | URL;
  /** Full control over where each packaged file is fetched from; wins over wasmPath. */
  locateFile?: (fileName: string) => string | URL;
  /**
   * Which wasm build to load. 'auto' (default): SIMD+threads when threads > 1 and threads work here, else
   * SIMD, else (no SIMD128 in this engine) plain. A named build is loaded as asked or create() rejects
   * saying why it cannot run here ('simd' and 'plain' need threads: 1).
   */
  build?: 'auto' | WasmBuild;
  /**
   * Download progress of the model file and the wasm build, summed: called with `{loaded, total}` in
   * bytes as they arrive (first once both sizes are known; the last call has loaded === total). With it
   * the two files download together and the wasm is compiled from its bytes rather than streamed.
   */
  onProgress?: (progress: { loaded: number; total: number }) => void;
}

/** RGBA pixels, 4 bytes per pixel, row-major, no padding (e.g. ImageData). */
export interface RgbaFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** What segment() accepts: raw RGBA (browsers and Node) or, in browsers, an image source. */
export type Frame =
  | RgbaFrame
  | ImageData
  | HTMLVideoElement
  | HTMLCanvasElement
  | HTMLImageElement
  | ImageBitmap
  | OffscreenCanvas
  | VideoFrameIfDeclared;

/** An 8-bit alpha matte at the frame's resolution; 255 = hair. Owned by the caller. */
export interface Matte {
  width: number;
  height: number;
  data: OwnedUint8Array;
}

/**
 * The network's hair probability at the frame's resolution (segmentProbability()): P(hair) in [0, 1] as
 * floats, before any refinement, temporal smoothing, matte levels or 8-bit rounding. Owned by the caller.
 */
export interface HairProbability {
  width: number;
  height: number;
  /** width * height floats, row-major; 0 outside `region`. */
  data: OwnedFloat32Array;
  /**
   * The part of the frame the network saw (frame pixels), stretched to its square input; its probability
   * map is mapped back onto the frame. The whole frame for a still.
   */
  region: { x: number; y: number; width: number; height: number };
}

export interface RecolorLook {
  /** Target colour, '#RRGGBB' (the roots, for 'ombre'). */
  color: HexColor;
  /** 'solid' (default) | 'ombre' (color -> colorEnd from roots to tips) | 'highlights'. */
  mode?: 'solid' | 'ombre' | 'highlights';
  /** Colour at the tips for 'ombre', '#RRGGBB'. Default: color. */
  colorEnd?: HexColor;
  /** 0..1, default 0.8. */
  strength?: number;
}

export interface RecoloredImage {
  width: number;
  height: number;
  data: OwnedUint8ClampedArray;
}

export interface HairMatteInfo {
  /** The architecture of the loaded model. */
  readonly model: Architecture;
  readonly inputSize: number;
  readonly decoderDepth: number;
  readonly widthPermille: number;
  readonly simd: boolean;
  readonly threads: number;
  /** Which wasm build runs (see the `build` option). `simd` is false for 'plain'. */
  readonly build: WasmBuild;
  readonly refine: 'guided' | 'none';
  readonly temporal: number;
  readonly trackHead: boolean;
  readonly quality: 'fast' | 'best';
  /** Matte levels: alpha within this many steps of 0 or 255 becomes exactly 0 or 255 (the rest stretches). */
  readonly matteLevelLow: number;
  /** Multiply-adds of one network run (for GFLOP/s). */
  readonly multiplyAdds: number;
  /** Peak activation memory of the network plan, in bytes. */
  readonly arenaBytes: number;
  /** What the weights were stored as, and so what runs ('int8': the int8 network; else fp32). */
  readonly precision: ModelPrecision;
  /** The model file's free-form metadata (training recipe, metrics, licence). */
  readonly metadata: Record<string, unknown>;
  readonly version: string;
}

export declare const VERSION: string;
export declare const BUNDLED_MODELS: readonly BundledModel[];

export declare class HairMatte {
  private constructor();
  /** Loads the wasm build and the model. Rejects with an Error that says what was wrong. */
  static create(options?: HairMatteOptions): Promise<HairMatte>;
  /** The alpha matte of one frame. Throws an Error on bad input; the instance stays usable. */
  segment(frame: Frame): Matte;
  /**
   * The network's float P(hair) for one frame, at the frame's resolution (bilinear from the network's
   * region; no refinement, smoothing or matte levels). Changes no state: the temporal smoothing and the
   * head tracking of segment() go on as if it had not been called. For your own thresholds and metrics.
   */
  segmentProbability(frame: Frame): HairProbability;
  /**
   * Recolours the hair of `frame` under `matte` (segment()'s result for this frame; computed when omitted).
   * Returns RGBA pixels: `new ImageData(out.data, out.width, out.height)` in a browser.
   */
  recolor(frame: Frame, look: RecolorLook, matte?: Matte): RecoloredImage;
  /** JPEG or PNG file bytes -> RGBA pixels, decoded inside the wasm module. */
  decodeImage(bytes: Uint8Array | ArrayBuffer): RecoloredImage;
  /** Pixels with 1 (grey), 3 (RGB) or 4 (RGBA) bytes each -> PNG file bytes. */
  encodePng(image: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }): OwnedUint8Array;
  /** Forget the temporal state and the head's region (new video, new person, a photo): the next frame is a still. */
  reset(): void;
  /** Frees the wasm memory and worker threads; any later call throws. Safe to call twice. */
  dispose(): void;
  readonly info: HairMatteInfo;
  readonly disposed: boolean;
  /** Bytes of WebAssembly memory this instance holds (memory only grows; for leak checks). */
  readonly memoryBytes: number;
  /**
   * How the last browser image source (video, canvas, image, ImageBitmap, VideoFrame) was read: 'webgl2'
   * (uploaded to a texture and read straight into wasm memory: no per-frame allocation) or '2d' (a 2D
   * canvas and getImageData, where WebGL2 is unavailable); null before the first such frame.
   */
  readonly sourcePath: 'webgl2' | '2d' | null;
}
