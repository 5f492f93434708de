// `hairmatte eval --data DIR`: F1, Performance, IoU, Accuracy and the gradient-consistency loss of the
// engine's mattes against hand-drawn masks, means over images, per source and per Figaro-1k hair type.
// The measures (bin/metrics.mjs) and the samples and protocol (bin/eval-samples.mjs) live in their own
// modules, which evaluation/ imports too: this file is only the command.
import fs from 'node:fs';
import path from 'node:path';
import { HairMatte } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';
import { engineOptions, choices, MODEL_HELP, REFINE_HELP, QUALITY_HELP } from './model-option.mjs';
import { REFINE_MODES, QUALITIES } from '../bindings/js/constants.mjs';
import { progress } from './images.mjs';
import { stillEngineOptions, segmentStill } from './matte.mjs';
import { listSamples, limitPerSource, evaluateSamples } from './eval-samples.mjs';
import { METRICS } from './metrics.mjs';

export const EVAL_SPEC = {
  data: 'string', model: 'string', 'random-weights': 'boolean', refine: 'string', quality: 'string', threads: 'int-list', size: 'int',
  split: 'string', part: 'string', limit: 'int', json: 'boolean', progress: 'boolean', help: 'boolean',
  'per-image': 'string',
};
export const EVAL_HELP = `usage: hairmatte eval --data DIR [--model NAME|FILE] [--refine ${choices(REFINE_MODES)}] [--quality ${choices(QUALITIES)}]
                      [--json] [--size S] [--split FILE] [--part val|train] [--limit N] [--random-weights]
                      [--threads N] [--progress] [--per-image FILE.csv]

  DIR/images/*.jpg with DIR/masks/<same name>.png (hair where >= 128), or the shared hair set
  (DIR/manifest.csv, DIR/<source>/images|masks; its validation split in a checkout, else every image).
  Each photo is segmented exactly as \`hairmatte matte\` does it (the whole photo, as it is).
  Prints F1, Performance ((TP-FP)/(TP+FN)), IoU, Accuracy (threshold 0.5) and the gradient-consistency
  loss (paper Eq. 1 on the 8-bit matte read as a soft matte, alpha/255), means over images, per source.
  ${MODEL_HELP}
  ${REFINE_HELP}
  ${QUALITY_HELP}
  --size S            network input size (default: the model's)
  --split FILE        split file for a manifest folder (default training/splits/hair_split.json where
                      it exists, i.e. in a checkout; without one every listed image is evaluated)
  --part P            val (default) or train
  --limit N           at most N images per source
  --json              print the results as JSON
  --progress          show the progress bar on stderr even when it is not a terminal
  --per-image FILE    also write every image's measures to FILE as CSV (source,id,note,f1,...), to find
                      the photos a model gets wrong or to compare two models image by image`;

// One CSV row per image, in the order evaluated; NaN (Performance of a photo without hair) is empty.
export function perImageCsv(rows) {
  const cell = (v) => (typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [['source', 'id', 'note', ...METRICS].join(',')];
  for (const r of rows) lines.push([r.source, r.id, r.note, ...METRICS.map((k) => r.metrics[k])].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

export function formatTable(groups) {
  const lines = [`${'group'.padEnd(22)} ${'n'.padStart(5)} ${'F1'.padStart(7)} ${'Perf'.padStart(7)} ${'IoU'.padStart(7)} ${'Acc'.padStart(7)} ${'GradCons'.padStart(9)}`];
  for (const [g, r] of Object.entries(groups)) {
    const f = (v, w = 7) => v.toFixed(4).padStart(w);
    lines.push(`${g.padEnd(22)} ${String(r.count).padStart(5)} ${f(r.f1)} ${f(r.performance)} ${f(r.iou)} ${f(r.accuracy)} ${f(r.gradConsistency, 9)}`);
  }
  return lines.join('\n');
}

export async function runEval(args) {
  if (!args.data) throw new UsageError('eval needs --data DIR');
  const { model, refine, threads } = engineOptions(args, { size: args.size });
  const create = stillEngineOptions({ model, refine, threads, quality: args.quality });
  const perImage = args['per-image'];
  if (perImage !== undefined && !fs.existsSync(path.dirname(path.resolve(perImage)))) {
    throw new Error(`--per-image ${perImage}: its folder does not exist`);
  }
  const samples = limitPerSource(listSamples(args.data, { split: args.split, part: args.part ?? 'val' }), args.limit);
  if (args.size && !args['random-weights']) create.inputSize = args.size;
  const hm = await HairMatte.create(create);
  const bar = progress(samples.length, { force: args.progress === true });
  let result;
  const t0 = performance.now();
  try {
    // Exactly as `hairmatte matte` segments each photo.
    result = await evaluateSamples(hm, (frame) => segmentStill(hm, frame), samples,
      { onImage: (i, s) => bar.step(i, s.image) });
    bar.step(samples.length, 'done');
  } finally {
    bar.end();
  }
  const info = hm.info;
  hm.dispose();
  const report = {
    model: typeof model === 'string' ? path.basename(model) : `random ${model.random}`, arch: info.model,
    inputSize: info.inputSize, refine, quality: info.quality, softMatte: '8-bit alpha / 255', threshold: 0.5, part: args.part ?? 'val',
    seconds: Math.round((performance.now() - t0) / 100) / 10, groups: result.groups,
  };
  if (perImage !== undefined) fs.writeFileSync(perImage, perImageCsv(result.rows));
  if (args.json) console.log(JSON.stringify(report, (k, v) => (Number.isNaN(v) ? null : v), 1));
  else console.log(`${report.model} (${info.model}, ${info.inputSize}x${info.inputSize}, refine ${refine}, quality ${info.quality}), ${samples.length} images\n${formatTable(result.groups)}`);
  return 0;
}
