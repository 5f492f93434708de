// Quality of one variant over the validation samples, with the eval command's code (bin/eval-samples.mjs):
// our engine in Node (the same wasm as in browsers), or MediaPipe's hair segmenter in the Chromium page.
import { HairMatte } from '../bindings/js/index.mjs';
import { evaluateSamples } from '../bin/eval-samples.mjs';
import { stillEngineOptions, segmentStill } from '../bin/matte.mjs';
import { inspectFailureModes } from './failure-modes.mjs';

const inspect = (sample, image, prob, mask) => inspectFailureModes(image, prob, mask);

function progressLine(label, total) {
  const t0 = performance.now();
  return (i) => {
    if (i % 50 === 0 || i === total - 1) {
      process.stderr.write(`  ${label}: ${i + 1}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  };
}

// variant: { model: file or {random}, refine, inputSize?, quality?, stretch? }: each photo segmented as
// `hairmatte matte` does (stretch: the old pre-stretched protocol, for comparison). Threads do not change
// the result (the engine is bit-exact across thread counts), so 2 are used to finish sooner.
export async function engineQuality(variant, samples, label) {
  const hm = await HairMatte.create({ ...stillEngineOptions({ model: variant.model, refine: variant.refine, threads: 2, quality: variant.quality }),
    ...(variant.inputSize ? { inputSize: variant.inputSize } : {}) });
  try {
    const t0 = performance.now();
    let segmentMs = 0;
    const timed = (frame) => {
      const t = performance.now();
      const matte = segmentStill(hm, frame);
      segmentMs += performance.now() - t;
      return matte;
    };
    const { rows, groups } = await evaluateSamples(hm, timed, samples,
      { onImage: progressLine(label, samples.length), inspect, stretch: variant.stretch === true });
    return { info: { arch: hm.info.model, inputSize: hm.info.inputSize, refine: variant.refine, quality: hm.info.quality,
      stretch: variant.stretch === true, decoderDepth: hm.info.decoderDepth },
      seconds: (performance.now() - t0) / 1000, segmentMsPerImage: segmentMs / samples.length, groups, rows };
  } finally {
    hm.dispose();
  }
}

// page: an openEvalPage() with a MediaPipe segmenter added under `name`; decoding happens in Node with our
// engine's decoder, so both see the very same pixels.
export async function pageQuality(page, name, samples, label) {
  const decoder = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  try {
    const t0 = performance.now();
    const { rows, groups } = await evaluateSamples(decoder, (frame) => page.segment(name, frame), samples,
      { onImage: progressLine(label, samples.length), inspect });
    return { seconds: (performance.now() - t0) / 1000, groups, rows };
  } finally {
    decoder.dispose();
  }
}
