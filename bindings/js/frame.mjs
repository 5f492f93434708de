// Validates segment()'s `frame` argument and writes its RGBA pixels into the engine's frame buffer.
// Raw frames are copied from the caller's buffer; browser image sources (video, canvas, image,
// ImageBitmap, VideoFrame) are read by a SourceReader straight into the wasm heap: with WebGL2, the source
// is uploaded into one texture and read back with readPixels into the heap view, so a steady stream of
// frames allocates nothing per frame (no ImageData); without WebGL2, one 2D canvas is reused and read with
// getImageData (which the browser allocates anew each call; there is no 2D API that reads into a buffer).
// The engine's limits per side and in all (src/base/facts.h, through the generated constants module).
import { MAX_FRAME_SIDE, MAX_FRAME_PIXELS } from './constants.mjs';

export { MAX_FRAME_SIDE, MAX_FRAME_PIXELS };

function fail(message) {
  throw new Error(`hairmatte: ${message}`);
}

function checkSize(width, height, what) {
  for (const [name, v] of [['width', width], ['height', height]]) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_FRAME_SIDE) {
      fail(`${what} ${name} must be an integer in 1..${MAX_FRAME_SIDE}, got ${typeof v === 'number' ? v : typeof v}`);
    }
  }
  if (width * height > MAX_FRAME_PIXELS) {
    fail(`${what} is ${width}x${height} = ${width * height} pixels; at most ${MAX_FRAME_PIXELS} are accepted`);
  }
}

function isDetached(buffer) {
  if (typeof buffer.detached === 'boolean') return buffer.detached;  // Node 22+, recent browsers
  try {
    new Uint8Array(buffer, 0, 0);  // throws on a detached buffer
    return false;
  } catch {
    return true;
  }
}

function rawPixels(frame) {
  const { data, width, height } = frame;
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    const got = data === null || data === undefined ? String(data)
      : ArrayBuffer.isView(data) ? `a ${data.constructor.name}` : Array.isArray(data) ? 'an array' : typeof data;
    fail(`frame.data must be a Uint8Array or Uint8ClampedArray of RGBA bytes, got ${got}`);
  }
  if (isDetached(data.buffer)) {
    fail('frame.data is backed by a detached ArrayBuffer (was it transferred to a worker or to the GPU?)');
  }
  checkSize(width, height, 'frame');
  if (data.length !== width * height * 4) {
    fail(`frame.data has ${data.length} bytes but a ${width}x${height} RGBA frame needs ${width * height * 4}`);
  }
  return { data, width, height };
}

// Size of a browser image source, or null when `frame` is not one.
function browserSourceSize(frame) {
  const g = globalThis;
  if (g.HTMLVideoElement && frame instanceof g.HTMLVideoElement) {
    if (frame.readyState < 2) fail('the video has no frame to read yet (wait for its "loadeddata" event)');
    return [frame.videoWidth, frame.videoHeight];
  }
  if (g.HTMLImageElement && frame instanceof g.HTMLImageElement) {
    if (!frame.complete || frame.naturalWidth === 0) fail('the image is not loaded (or failed to load)');
    return [frame.naturalWidth, frame.naturalHeight];
  }
  if ((g.HTMLCanvasElement && frame instanceof g.HTMLCanvasElement) ||
      (g.OffscreenCanvas && frame instanceof g.OffscreenCanvas) ||
      (g.ImageBitmap && frame instanceof g.ImageBitmap) ||
      (g.VideoFrame && frame instanceof g.VideoFrame)) {
    const width = frame.displayWidth ?? frame.width, height = frame.displayHeight ?? frame.height;
    if (width === 0 || height === 0) fail('the image source is empty (0 pixels; a closed ImageBitmap?)');
    return [width, height];
  }
  return null;
}

// Size and validity of segment()'s `frame`: { width, height, data } for raw RGBA (data: the caller's
// bytes) or { width, height, source } for a browser image source. Throws a clear Error on bad input.
export function describeFrame(frame) {
  if (frame === null || typeof frame !== 'object') {
    fail(`segment() takes a frame (ImageData, {data, width, height}, or a video/canvas/image), got ${
      frame === null ? 'null' : typeof frame}`);
  }
  const size = browserSourceSize(frame);
  if (!size) {
    if (!('data' in frame)) {
      fail('the frame has no `data`: pass ImageData, {data: Uint8Array (RGBA), width, height}, ' +
        'or in a browser a video, canvas, image or ImageBitmap');
    }
    return rawPixels(frame);
  }
  const [width, height] = size;
  checkSize(width, height, 'image source');
  return { width, height, source: frame };
}

function makeCanvas(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  if (typeof document !== 'undefined') return Object.assign(document.createElement('canvas'), { width, height });
  return null;
}

// A tainted (cross-origin) source becomes an Error that says how to fix it; other errors are left to the caller.
function failIfCrossOrigin(e) {
  if (e && e.name === 'SecurityError') {
    fail('the image source is cross-origin and taints the canvas: serve it with CORS headers and set ' +
      'crossOrigin = "anonymous" on the <img>/<video> before loading it');
  }
}

// WebGL2 reader: one RGBA8 texture (re-made only when the frame size changes) attached to a framebuffer;
// texSubImage2D uploads the source (rows top first, alpha not premultiplied, the browser's colour
// conversion to sRGB, as the 2D canvas does) and readPixels writes it into `out`, the heap view.
class GlSourceReader {
  static create() {
    let gl = null;
    try {
      const canvas = makeCanvas(1, 1);
      gl = canvas && canvas.getContext('webgl2', { antialias: false, depth: false, stencil: false, alpha: true,
        premultipliedAlpha: false, preserveDrawingBuffer: false });
    } catch {
      gl = null;
    }
    return gl ? new GlSourceReader(gl) : null;
  }

  constructor(gl) {
    this.gl = gl;
    this.maxSide = gl.getParameter(gl.MAX_TEXTURE_SIZE);
    this.texture = null;
    this.framebuffer = gl.createFramebuffer();
    this.width = 0;
    this.height = 0;
    this.broken = false;  // set on any failure of the GPU path: the 2D path takes over for good
  }

  // False when this reader did not take the frame (size above the GPU's limit, or `broken`): the caller
  // then reads it through the 2D canvas.
  read(source, width, height, out) {
    const gl = this.gl;
    if (gl.isContextLost()) this.broken = true;
    if (this.broken || width > this.maxSide || height > this.maxSide) return false;
    const resized = width !== this.width || height !== this.height;
    if (resized) {
      if (this.texture) gl.deleteTexture(this.texture);
      this.texture = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, this.texture);
      gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA8, width, height);
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.texture, 0);
      if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) {
        this.broken = true;
        return false;
      }
      gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.BROWSER_DEFAULT_WEBGL);
      gl.pixelStorei(gl.PACK_ALIGNMENT, 4);
      this.width = width;
      this.height = height;
    }
    try {
      gl.bindTexture(gl.TEXTURE_2D, this.texture);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, source);
      gl.bindFramebuffer(gl.FRAMEBUFFER, this.framebuffer);
      gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, out);
    } catch (e) {
      failIfCrossOrigin(e);
      this.broken = true;  // e.g. readPixels refusing a view of shared memory: use the 2D path
      return false;
    }
    // A failure of the GPU path shows as a GL error; checked on the first frame of each size only, since
    // getError() waits for the GPU.
    if (resized && gl.getError() !== gl.NO_ERROR) {
      this.broken = true;
      return false;
    }
    return true;
  }
}

// 2D-canvas reader: one canvas and context kept between frames (re-made when the size changes).
class CanvasSourceReader {
  read(source, width, height, out) {
    if (!this.context || this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas = makeCanvas(width, height);
      if (!this.canvas) fail('no canvas is available to read the image source from (pass ImageData instead)');
      this.context = this.canvas.getContext('2d', { willReadFrequently: true });
    }
    let image;
    try {
      this.context.drawImage(source, 0, 0, width, height);
      image = this.context.getImageData(0, 0, width, height);
    } catch (e) {
      failIfCrossOrigin(e);
      throw e;
    }
    out.set(image.data);
  }
}

// Reads browser image sources into the engine's frame buffer: WebGL2 when it works here, else 2D canvas.
export class SourceReader {
  #gl = undefined;  // undefined: not tried yet; null: WebGL2 unavailable or failed (2D from then on)
  #canvas = new CanvasSourceReader();

  // Which path read the last frame: 'webgl2' | '2d' (tests and diagnostics).
  lastPath = null;

  read(source, width, height, out) {
    if (this.#gl === undefined) this.#gl = GlSourceReader.create();
    if (this.#gl) {
      if (this.#gl.read(source, width, height, out)) {
        this.lastPath = 'webgl2';
        return;
      }
      if (this.#gl.broken) this.#gl = null;
    }
    this.#canvas.read(source, width, height, out);
    this.lastPath = '2d';
  }
}
