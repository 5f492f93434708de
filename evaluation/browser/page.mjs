// The evaluation page: MediaPipe's hair segmenter and our engine side by side in one Chromium page. The
// runner (evaluation/browser/runner.mjs) drives it through window.hmEval: pixels go in and 8-bit mattes
// come out as base64, and timings are taken here with performance.now() around each segment() call.
import { HairMatte } from '/bindings/js/index.mjs';

const segmenters = {};  // name -> (ImageData) => Uint8Array alpha at the frame's size

function fromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// The peer model's 4th input channel is the previous frame's hair mask. MediaPipe Tasks does not let a
// caller set it: for this model it disables its feedback tensors (console: "Feedback manager requires a
// model with a single signature inference. Disabling support for feedback tensors.") and the frame's
// alpha channel does not reach it (alpha 0, 128 and 255 give bit-identical masks; see
// evaluation/tests/mediapipe.test.mjs). So every still is segmented as a first frame, with whatever
// constant the Tasks graph puts there. `previousMask` (the alpha we hand it) stays as the probe for that.
function mediapipeSegment(segmenter, previousMask) {
  return (frame) => {
    const rgba = new Uint8ClampedArray(frame.data);
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = previousMask;
    let alpha = null;
    segmenter.segment(new ImageData(rgba, frame.width, frame.height), (result) => {
      const masks = result.confidenceMasks;
      const hair = masks[masks.length - 1].getAsFloat32Array();  // outputs (background, hair)
      alpha = new Uint8Array(hair.length);
      for (let i = 0; i < hair.length; i++) alpha[i] = Math.round(Math.min(1, Math.max(0, hair[i])) * 255);
    });
    return alpha;
  };
}

window.hmEval = {
  async addMediaPipe(name, { previousMask = 0 } = {}) {
    const { FilesetResolver, ImageSegmenter } = await import('/mediapipe/vision_bundle.mjs');
    const fileset = await FilesetResolver.forVisionTasks('/mediapipe/wasm');
    const segmenter = await ImageSegmenter.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: '/peer/hair_segmenter.tflite', delegate: 'CPU' },
      runningMode: 'IMAGE', outputConfidenceMasks: true, outputCategoryMask: false,
    });
    segmenters[name] = mediapipeSegment(segmenter, previousMask);
    return { crossOriginIsolated: self.crossOriginIsolated };
  },
  // options: HairMatte.create options (model: a URL served by the runner, or a random-weight spec).
  async addEngine(name, options) {
    const hm = await HairMatte.create({ temporal: 0, trackHead: false, ...options });
    segmenters[name] = (frame) => { hm.reset(); return hm.segment(frame).data; };
    return { ...hm.info, metadata: undefined, crossOriginIsolated: self.crossOriginIsolated };
  },
  segment(name, width, height, rgbaBase64) {
    const frame = new ImageData(new Uint8ClampedArray(fromBase64(rgbaBase64).buffer), width, height);
    return toBase64(segmenters[name](frame));
  },
  // ms of each of `runs` segment() calls on one frame, after `warmup` untimed ones.
  time(name, width, height, rgbaBase64, runs, warmup) {
    const frame = new ImageData(new Uint8ClampedArray(fromBase64(rgbaBase64).buffer), width, height);
    const times = [];
    for (let i = 0; i < warmup + runs; i++) {
      const t0 = performance.now();
      segmenters[name](frame);
      if (i >= warmup) times.push(performance.now() - t0);
    }
    return times;
  },
};
window.hmEvalReady = true;
