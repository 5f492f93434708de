// `hairmatte matte <image|dir>... --out DIR`: one 8-bit alpha PNG per image, at the image's resolution.
import { HairMatte } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';
import { planOutputs, readImageFile, writePng, progress } from './images.mjs';

export async function runMatte(args) {
  if (!args.out) throw new UsageError('matte needs --out DIR');
  const { model, refine, threads } = engineOptions(args);
  const jobs = planOutputs(args._, args.out);
  // Still photos are independent: no temporal smoothing, and the head square is re-centred per image.
  const hm = await HairMatte.create({ model, refine, threads, temporal: 0 });
  const bar = progress(jobs.length, { force: args.progress === true });
  try {
    jobs.forEach((job, i) => {
      bar.step(i, job.input);
      const image = readImageFile(hm, job.input);
      hm.reset();
      writePng(hm, job.output, hm.segment(image));
    });
    bar.step(jobs.length, 'done');
  } finally {
    bar.end();
    hm.dispose();
  }
  console.log(`wrote ${jobs.length} matte${jobs.length === 1 ? '' : 's'} to ${args.out}`);
  return 0;
}
