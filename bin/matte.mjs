// `hairmatte matte <image|dir>... --out DIR`: one 8-bit alpha PNG per image, at the image's resolution.
// A batch run processes every readable image: an image that cannot be read, decoded, matted or written is
// listed at the end with its reason and the exit status is 1 (--keep-going, the default); --fail-fast
// stops at the first such image instead.
import { HairMatte } from '../bindings/js/index.mjs';
import { QUALITIES } from '../bindings/js/constants.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';
import { planOutputs, readImageFile, writePng, progress, checkOutputFolder } from './images.mjs';

// The engine options of every command that segments photos (matte, recolor, eval): each photo is a
// still, seen whole by the network (temporal 0: no state carries from one photo to the next).
export function stillEngineOptions({ model, refine, threads, quality }) {
  if (quality !== undefined && !QUALITIES.includes(quality)) {
    throw new UsageError(`--quality must be ${QUALITIES.join(' or ')}, got '${quality}'`);
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
  if (args['keep-going'] && args['fail-fast']) throw new UsageError('--keep-going and --fail-fast exclude each other');
  const failFast = args['fail-fast'] === true;
  checkOutputFolder(args.out);
  const { model, refine, threads } = engineOptions(args);
  const createOptions = stillEngineOptions({ model, refine, threads, quality: args.quality });  // usage errors first
  const { jobs, unreadable } = planOutputs(args._, args.out);
  const failed = [...unreadable];
  if (failFast && failed.length) return report(0, failed, args.out, jobs.length);
  const create = () => HairMatte.create(createOptions);
  let hm = await create();
  const bar = progress(jobs.length, { force: args.progress === true });
  let written = 0;
  let notTried = 0;
  try {
    for (const [i, job] of jobs.entries()) {
      bar.step(i, job.input);
      try {
        const image = readImageFile(hm, job.input);
        writePng(hm, job.output, segmentStill(hm, image));
        written++;
      } catch (e) {
        failed.push({ input: job.input, reason: e.message.replace(/^hairmatte: /, '').replace(`${job.input}: `, '') });
        // The engine promises an Error, never an abort; should a module abort all the same, the image is
        // listed and the run goes on with a fresh instance.
        if (e instanceof WebAssembly.RuntimeError) {
          hm.dispose();
          hm = await create();
        }
        if (failFast) {
          notTried = jobs.length - i - 1;
          break;
        }
      }
    }
    bar.step(jobs.length, 'done');
  } finally {
    bar.end();
    hm.dispose();
  }
  return report(written, failed, args.out, failFast && failed.length ? notTried : -1);
}

// One summary line on stdout; the failures, one per line, on stderr; exit 1 when any image failed.
// notTried: -1 when the run was not stopped early.
function report(written, failed, out, notTried) {
  console.log(`wrote ${written} matte${written === 1 ? '' : 's'} to ${out}` +
    (failed.length ? `; ${failed.length} image${failed.length === 1 ? '' : 's'} failed` : '') +
    (notTried >= 0 ? ` (stopped at the first failure, --fail-fast; ${notTried} not tried)` : ''));
  for (const { input, reason } of failed) process.stderr.write(`hairmatte: ${input}: ${reason}\n`);
  return failed.length ? 1 : 0;
}
