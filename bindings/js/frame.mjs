// Turns segment()'s `frame` argument into validated RGBA pixels: {data, width, height}.
// Raw frames are used in place (no copy here); browser image sources are drawn into a canvas kept in
// `scratch` between calls and read back with getImageData.
export const MAX_FRAME_SIDE = 16384;            // the engine's limit per side (frame_segmenter.h)
export const MAX_FRAME_PIXELS = 16 * 1024 * 1024;  // 64 MiB of RGBA (e.g. 4096 x 4096): the pipeline's
// float planes at that size stay far below the 2 GiB wasm memory cap

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

export function toPixels(frame, scratch) {
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
  if (!scratch.context || scratch.canvas.width !== width || scratch.canvas.height !== height) {
    scratch.canvas = typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(width, height)
      : Object.assign(document.createElement('canvas'), { width, height });
    scratch.context = scratch.canvas.getContext('2d', { willReadFrequently: true });
  }
  scratch.context.drawImage(frame, 0, 0, width, height);
  const image = scratch.context.getImageData(0, 0, width, height);
  return { data: image.data, width, height };
}
