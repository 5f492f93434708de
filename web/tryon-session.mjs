// One live try-on: camera or photo -> engine (worker) -> WebGL2 canvas, with live stats. The demo page
// and the <hair-tryon> element are both thin UIs over this class.
//
//   const session = await TryOnSession.create(canvas, { engine: {model, threads, refine, temporal} });
//   await session.startCamera();            // or: await session.showImage(fileOrBlob)
//   session.setLook({ color: '#c9a16b', mode: 'ombre', colorEnd: '#e4dccb', strength: 0.6 });
//   session.stats  // {frames, fps, msPerFrame, ...}
//   session.onFrame((stats, frame) => ...)  // after each shown frame; frame: {rgba, matte, hairStats, segmentMs, totalMs}
//
// Errors carry a `kind` ('webgl' | 'webgl-lost' | 'model' | 'camera' | 'camera-ended' | 'image' | 'frame')
// so UIs can word them; camera errors also carry a `reason` ('refused' | 'unavailable' | 'unsupported').
import { TryOnRenderer } from './renderer/tryon-renderer.mjs';
import { EngineClient } from './engine/engine-client.mjs';
import { FramePump } from './engine/frame-pump.mjs';
import { FrameStats } from './engine/frame-stats.mjs';
import {
  ARCH_NAMES, RECOLOR_MODES, DEFAULT_LOOK_COLOR, DEFAULT_LOOK_STRENGTH,
} from '../bindings/js/constants.mjs';

// The look a session starts with: the engine's default look (src/base/facts.h), with honey-blonde tips for
// ombre.
export const DEFAULT_LOOK = Object.freeze({
  color: DEFAULT_LOOK_COLOR, colorEnd: '#c9a16b', mode: RECOLOR_MODES[0], strength: DEFAULT_LOOK_STRENGTH,
});

export function tryOnError(kind, message, cause, reason) {
  const error = new Error(message);
  error.kind = kind;
  if (reason) error.reason = reason;
  if (cause) error.cause = cause;
  return error;
}

// A model given as text (an attribute or a URL parameter): a bundled model's name, a URL of a .hmm file,
// or 'random:' and an architecture's name, e.g. 'random:hairmattenet' (random weights, for development).
export function parseModelOption(text) {
  const m = /^random:(.*)$/.exec(String(text).trim());
  return m && ARCH_NAMES.includes(m[1]) ? { random: m[1] } : String(text).trim();
}

// Threads only help (and only work) when the page is cross-origin isolated; otherwise one thread.
export function defaultThreads() {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  if (!isolated) return 1;
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2)));
}

// Asks for the camera; errors are worded for people (refused vs. absent) with kind 'camera'.
export async function openCamera({ width = 640, height = 480 } = {}) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw tryOnError('camera', 'This browser has no camera access (getUserMedia); upload a photo instead.',
      undefined, 'unsupported');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: width }, height: { ideal: height }, facingMode: 'user' }, audio: false });
  } catch (e) {
    const refused = e && (e.name === 'NotAllowedError' || e.name === 'SecurityError');
    const why = refused ? 'Camera access was refused' : `The camera could not be opened (${e && e.name || e})`;
    throw tryOnError('camera', `${why}; you can upload a photo instead.`, e, refused ? 'refused' : 'unavailable');
  }
}

const MAX_PHOTO_SIDE = 1280;  // larger photos are scaled down: the matte is computed at frame size
const CONTEXT_RESTORE_MS = 3000;  // a lost WebGL context that is not back by then is reported

export class TryOnSession {
  // Callbacks: onError(error) for failures after start (frame, camera-ended, webgl-lost); onProgress({loaded,
  // total}) while the model and wasm download; onCameraEnded() when the camera stops by itself (unplugged,
  // revoked, track stopped elsewhere); onContextLost() / onContextRestored() around a WebGL context loss.
  static async create(canvas, { engine = {}, apiUrl, useWorker = true, onError = () => {}, onProgress,
    onCameraEnded = () => {}, onContextLost = () => {}, onContextRestored = () => {} } = {}) {
    let renderer;
    try {
      renderer = new TryOnRenderer(canvas);
    } catch (e) {
      throw tryOnError('webgl', `${e.message}: the live try-on needs WebGL2.`, e);
    }
    const session = new TryOnSession(renderer, { apiUrl, useWorker, onError });
    Object.assign(session, { onProgress, onCameraEnded, onContextLost, onContextRestored });
    await session.configure(engine);
    return session;
  }

  constructor(renderer, { apiUrl, useWorker, onError }) {
    this.renderer = renderer;
    this.apiUrl = apiUrl;
    this.useWorker = useWorker;
    this.onError = onError;
    this.engine = null;
    this.engineOptions = null;
    this.look = { ...DEFAULT_LOOK };
    this.split = 0;
    this.frameStats = new FrameStats();
    this.video = null;
    this.stream = null;
    this.pump = null;
    this.still = null;          // the last photo, re-segmented when the engine changes
    this.listeners = new Set(); // called after each rendered frame
    this.onProgress = undefined;
    this.onCameraEnded = () => {};
    this.onContextLost = () => {};
    this.onContextRestored = () => {};
    this.restoreTimer = 0;
    renderer.onContextLost = () => {
      this.onContextLost();
      clearTimeout(this.restoreTimer);
      this.restoreTimer = setTimeout(() => this.onError(tryOnError('webgl-lost',
        `the WebGL2 context was lost and not restored within ${CONTEXT_RESTORE_MS} ms`)), CONTEXT_RESTORE_MS);
    };
    renderer.onContextRestored = (error) => {
      clearTimeout(this.restoreTimer);
      if (error) {
        this.onError(tryOnError('webgl-lost', `the WebGL2 context came back but could not be rebuilt: ${error.message}`, error));
        return;
      }
      this.renderer.render(this.look, this.split);
      this.onContextRestored();
    };
  }

  get stats() { return this.frameStats.snapshot(); }
  get info() { return this.engine ? { ...this.engine.info, inWorker: this.engine.inWorker } : null; }
  // listener(stats, frame) after each shown frame: the stats as `stats` gives them, and the frame shown:
  // { rgba, matte, hairStats, segmentMs, totalMs }. Returns a function that removes the listener.
  onFrame(listener) { this.listeners.add(listener); return () => this.listeners.delete(listener); }

  // (Re)creates the engine with HairMatte.create options; the old one is kept until the new one works.
  async configure(options) {
    const merged = { threads: defaultThreads(), ...this.engineOptions, ...options };
    let engine;
    try {
      engine = await EngineClient.create({ options: merged, apiUrl: this.apiUrl, useWorker: this.useWorker,
        onProgress: this.onProgress });
    } catch (e) {
      throw tryOnError('model', `The hair model failed to load: ${e.message}`, e);
    }
    const old = this.engine;
    this.engine = engine;
    this.engineOptions = merged;
    if (old) old.dispose().catch(() => {});
    if (this.still && !this.stream) await this.processStill();
  }

  setLook(look) {
    this.look = { ...this.look, ...look };
    this.renderer.render(this.look, this.split);
  }

  setSplit(split) {
    this.split = Math.min(1, Math.max(0, split));
    this.renderer.render(this.look, this.split);
  }

  // Opens the camera (or reuses `stream` from openCamera()) and starts the live loop.
  async startCamera(stream = null) {
    stream = stream || await openCamera();
    this.stopCamera();
    this.still = null;
    this.stream = stream;
    const video = this.video || document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    this.video = video;
    await video.play();
    await this.engine.reset();
    this.watchTracks(stream);
    this.pump = new FramePump(video, (bitmap) => this.processFrame(bitmap), {
      onDrop: () => this.frameStats.drop(),
      onError: (e) => this.onError(tryOnError('frame', `A frame failed: ${e.message}`, e)),
    });
    this.pump.start();
  }

  // A camera can end without us: unplugged, permission revoked, or its track stopped by other code (which
  // fires no 'ended' event, hence also a poll). Stops the loop, keeps the last frame, calls onCameraEnded.
  watchTracks(stream) {
    const ended = () => {
      if (this.stream !== stream) return;
      this.stopCamera();
      this.onCameraEnded();
    };
    for (const track of stream.getVideoTracks()) track.addEventListener('ended', ended);
    this.trackPoll = setInterval(() => {
      if (stream.getVideoTracks().some((t) => t.readyState === 'ended')) ended();
    }, 500);
  }

  stopCamera() {
    clearInterval(this.trackPoll);
    if (this.pump) { this.pump.stop(); this.pump = null; }
    if (this.stream) { for (const track of this.stream.getTracks()) track.stop(); this.stream = null; }
  }

  get cameraActive() { return Boolean(this.stream); }

  // file: Blob/File of an image, or an ImageBitmap. Stops the camera, shows the photo recoloured.
  async showImage(file) {
    let bitmap;
    try {
      bitmap = file instanceof ImageBitmap ? file : await createImageBitmap(file);
    } catch (e) {
      throw tryOnError('image', `That file could not be read as an image (${e.message}).`, e);
    }
    const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(2, Math.round(bitmap.width * scale)), height = Math.max(2, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    const image = context.getImageData(0, 0, width, height);
    this.stopCamera();
    this.still = { data: image.data, width, height };
    await this.processStill();
  }

  async processStill() {
    const t0 = performance.now();
    // A photo is not a video: no temporal state from earlier frames may leak into it.
    const result = await this.engine.segment(this.still, { reset: true });
    this.present(result, t0);
  }

  // A track stopped by other code keeps feeding the <video> black frames until watchTracks notices.
  get cameraEnded() { return !this.stream || this.stream.getVideoTracks().some((t) => t.readyState === 'ended'); }

  async processFrame(bitmap) {
    if (this.cameraEnded) { bitmap.close(); return; }
    const t0 = performance.now();
    const result = await this.engine.segment(bitmap);
    if (this.cameraEnded) return;  // the camera was stopped while the frame was in the engine
    this.present(result, t0);
    // Keeps the frame pump busy until this frame is drawn (see TryOnRenderer.whenDrawn).
    await this.renderer.whenDrawn();
  }

  present({ rgba, matte, hairStats, segmentMs }, t0) {
    this.renderer.setFrame(rgba, matte, hairStats);
    this.renderer.render(this.look, this.split);
    const totalMs = performance.now() - t0;
    this.frameStats.record({ segmentMs, totalMs });
    const frame = { rgba, matte, hairStats, segmentMs, totalMs };
    for (const listener of this.listeners) listener(this.stats, frame);
  }

  // The canvas as it looks now, as a PNG Blob.
  snapshot() {
    return new Promise((resolve, reject) => {
      if (!this.renderer.size) { reject(new Error('nothing to snapshot yet: no frame has been shown')); return; }
      this.renderer.render(this.look, this.split);
      this.renderer.canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('snapshot failed'))), 'image/png');
    });
  }

  async dispose() {
    this.stopCamera();
    clearTimeout(this.restoreTimer);
    if (this.engine) { await this.engine.dispose().catch(() => {}); this.engine = null; }
    this.renderer.dispose();
  }
}
