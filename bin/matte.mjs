// `hairmatte matte <image|dir>... --out DIR`: one 8-bit alpha PNG per image, at the image's resolution.
import { HairMatte } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';
import { planOutputs, readImageFile, writePng, progress } from './images.mjs';

// The engine options of every command that segments photos (matte, recolor, eval): each photo is a
// still, seen whole by the network (temporal 0: no state carries from one photo to the next).
export function stillEngineOptions({ model, refine, threads, quality }) {
  if (quality !== undefined && !['fast', 'best'].includes(quality)) {
    throw new UsageError(`--quality must be fast or best, got '${quality}'`);
  }
  return { model, refine, threads, temporal: 0, ...(quality === undefined ? {} : { quality }) };
}

// One photo's matte, independent of the photos before it.
export function segmentStill(hm, image) {
  hm.reset();
  return hm.segment(image);
}

export async function runMatte(args) {
  if (!args.out) throw new UsageError('matte needs --out DIR');
  const { model, refine, threads } = engineOptions(args);
  const jobs = planOutputs(args._, args.out);
  const hm = await HairMatte.create(stillEngineOptions({ model, refine, threads, quality: args.quality }));
  const bar = progress(jobs.length, { force: args.progress === true });
  try {
    jobs.forEach((job, i) => {
      bar.step(i, job.input);
      const image = readImageFile(hm, job.input);
      writePng(hm, job.output, segmentStill(hm, image));
    });
    bar.step(jobs.length, 'done');
  } finally {
    bar.end();
    hm.dispose();
  }
  console.log(`wrote ${jobs.length} matte${jobs.length === 1 ? '' : 's'} to ${args.out}`);
  return 0;
}
