// Renders docs/RESULTS.md from the measurements of evaluation/results.mjs. Every number in the report
// comes from `store`; sentences that compare numbers are computed here, not typed.
const SOURCES = [['celebamask', 'CelebAMask-HQ'], ['figaro1k', 'Figaro-1k'], ['lfw-parts', 'LFW Parts']];
const MEASURES = [['f1', 'F1'], ['performance', 'Performance'], ['iou', 'IoU'], ['accuracy', 'Accuracy'], ['gradConsistency', 'Grad. consistency ↓']];
const VARIANTS = [['hairsegnet', 'HairSegNet'], ['hairsegnet+guided', 'HairSegNet + guided filter'], ['hairmattenet', 'HairMatteNet'],
  ['hairmattenet+guided', 'HairMatteNet + guided filter (our default)']];

const f4 = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(4));
const f1 = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

// The quality measurement of each Table I column: ours from store.quality, MediaPipe's from store.mediapipe.
function tableIVariants(store) {
  const out = VARIANTS.map(([k, label]) => [k, label, store.quality?.[k]]);
  out.push(['mediapipe', `MediaPipe hair segmenter (tasks-vision ${store.mediapipe?.version ?? '?'})`, store.mediapipe]);
  return out;
}

function missingNote(label, m) {
  if (!m) return `- ${label}: not measured (its step was not run).`;
  if (m.missing) return `- ${label}: not measured: ${m.missing}.`;
  return null;
}

function tableI(store) {
  const variants = tableIVariants(store);
  const lines = ['## Table I: quality per source', ''];
  lines.push('Means over the validation images of each source; threshold 0.5; gradient consistency (paper Eq. 1, lower',
    'is better) on the soft matte. The paper\'s figures are **not** beside ours: its Table I could not be retrieved',
    'with the tools of this workplace, and typing them from memory would put unchecked numbers here (it also measured',
    'on its own crowd-sourced test set, not on these three sources).', '');
  for (const n of variants.map(([, label, m]) => missingNote(label, m)).filter(Boolean)) lines.push(n);
  for (const [src, title] of SOURCES) {
    const rows = variants.filter(([, , m]) => m?.groups?.[src]).map(([, label, m]) =>
      [label, String(m.groups[src].count), ...MEASURES.map(([k]) => f4(m.groups[src][k]))]);
    if (!rows.length) continue;
    lines.push('', `### ${title}`, '', table(['variant', 'images', ...MEASURES.map(([, h]) => h)], rows));
    lines.push('', orderingSentence(store, src));
  }
  return lines.join('\n');
}

// The paper's ordering of gradient consistency: HairMatteNet < HairSegNet + GF < HairSegNet.
function orderingSentence(store, src) {
  const g = (k) => store.quality?.[k]?.groups?.[src]?.gradConsistency;
  const [seg, gf, matte] = [g('hairsegnet'), g('hairsegnet+guided'), g('hairmattenet')];
  if ([seg, gf, matte].some((v) => v === undefined || v === null)) return '_Ordering of gradient consistency: not all three variants measured._';
  const holds = matte < gf && gf < seg;
  const mp = store.mediapipe?.groups?.[src];
  const ours = store.quality?.['hairmattenet+guided']?.groups?.[src] ? ['hairmattenet+guided', 'HairMatteNet + guided filter']
    : ['hairmattenet', 'HairMatteNet'];
  const hm = store.quality?.[ours[0]]?.groups?.[src];
  const vs = mp && hm ? ` Against MediaPipe on this source (${ours[1]} vs MediaPipe): IoU ${f4(hm.iou)} vs ${f4(mp.iou)}, ` +
    `gradient consistency ${f4(hm.gradConsistency)} vs ${f4(mp.gradConsistency)}: ours is ${hm.iou > mp.iou ? 'ahead' : 'behind'} in IoU and ` +
    `${hm.gradConsistency < mp.gradConsistency ? 'ahead' : 'behind'} in gradient consistency.` : '';
  return `_Paper's ordering (HairMatteNet < HairSegNet + guided filter < HairSegNet in gradient consistency): ` +
    `${holds ? '**holds**' : '**does not hold**'} here (${f4(matte)} / ${f4(gf)} / ${f4(seg)})._${vs}`;
}

// Our numbers (wasm engine, 8-bit matte) beside training/evaluate.py's (PyTorch, float probability).
function pytorchCheck(store) {
  const archs = Object.keys(store.pytorch ?? {});
  if (!archs.length) return '';
  const rows = archs.flatMap((a) => SOURCES.filter(([s]) => store.pytorch[a].groups[s]).map(([s, t]) => {
    const py = store.pytorch[a].groups[s], js = store.quality[a].groups[s];
    return [a === 'hairmattenet' ? 'HairMatteNet' : 'HairSegNet', t, `${f4(js.iou)} / ${f4(py.iou)}`, `${f4(js.f1)} / ${f4(py.f1)}`,
      `${f4(js.gradConsistency)} / ${f4(py.grad_consistency)}`];
  }));
  return ['### Cross-check: the same models through PyTorch', '',
    `\`training/evaluate.py\` (float probability, PIL decoding) on the same split, read from ${archs.map((a) => `\`${store.pytorch[a].file}\``).join(' and ')}; ` +
    'ours = the wasm engine, refine none, 8-bit matte. Differences come from the 8-bit matte and its levels (Eq. 1 on a ' +
    'quantised matte), JPEG decoders and the double resize of non-square photos.', '',
    table(['model', 'source', 'IoU ours / PyTorch', 'F1 ours / PyTorch', 'Grad. consistency ours / PyTorch'], rows)].join('\n');
}

function figaroTypes(store) {
  const variants = tableIVariants(store).filter(([, , m]) => m?.groups);
  const types = [...new Set(variants.flatMap(([, , m]) => Object.keys(m.groups).filter((g) => g.startsWith('figaro1k/'))))].sort();
  if (!types.length) return '';
  const head = ['hair type', 'images', ...variants.map(([, label]) => `${label.split(' (')[0]} IoU / GC`)];
  const rows = types.map((t) => [t.slice(9), String(variants[0][2].groups[t]?.count ?? '–'),
    ...variants.map(([, , m]) => (m.groups[t] ? `${f4(m.groups[t].iou)} / ${f4(m.groups[t].gradConsistency)}` : '–'))]);
  return ['## Figaro-1k by hair type', '', 'IoU / gradient consistency (Eq. 1) per hair type of the manifest\'s `note`.', '', table(head, rows)].join('\n');
}

const allSources = (m) => {
  // Image-weighted mean over the three sources (every source's mean times its image count).
  const gs = SOURCES.map(([s]) => m?.groups?.[s]).filter(Boolean);
  const n = gs.reduce((a, g) => a + g.count, 0);
  const avg = (k) => gs.reduce((a, g) => a + (g[k] ?? 0) * g.count, 0) / n;
  return n ? { count: n, f1: avg('f1'), iou: avg('iou'), accuracy: avg('accuracy'), gradConsistency: avg('gradConsistency') } : null;
};

function tableII(store) {
  const t = store.table2;
  const lines = ['## Table II: decoder depth, and the gradient-consistency loss', ''];
  if (!t || t.missing || !Object.keys(t.runs || {}).length) return [...lines, `Not measured: ${t?.missing ?? 'step not run'}.`].join('\n');
  const runs = Object.entries(t.runs);
  const recipe = runs[0][1].metadata?.recipe ?? {};
  lines.push(`HairMatteNet trained by \`evaluation/table2/train.sh\` with a **shortened schedule** (the same for every row): ` +
    `${recipe.time_budget ?? '?'} min of training each at ${recipe.size ?? '?'}x${recipe.size ?? '?'}, ${recipe.steps_per_epoch ?? '?'}-step epochs, ` +
    `batch ${recipe.batch ?? '?'}, Adadelta, encoder from ImageNet, best epoch on ${recipe.val_per_source ?? '?'} validation images per source. ` +
    'The budget is wall-clock time, so the rows got different numbers of steps (a deeper decoder is slower per step, ' +
    'and the load of the shared machine changed between runs): read each row with its step count. ' +
    'These rows compare with each other, not with the shipped models (trained far longer). Evaluated like Table I ' +
    '(refine none, at the training size), image-weighted over the three sources.', '');
  const rows = runs.map(([name, m]) => {
    const a = allSources(m), md = m.metadata ?? {};
    return [String(md.recipe?.depth ?? name), String(md.recipe?.grad_weight ?? '?'), String(md.global_step ?? '?'),
      String(md.best_epoch ?? '?'), f4(a?.f1), f4(a?.iou), f4(a?.accuracy), f4(a?.gradConsistency)];
  }).sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[0]) - Number(b[0]));
  lines.push(table(['decoder depth', 'w', 'steps', 'best epoch', 'F1', 'IoU', 'Accuracy', 'Grad. consistency ↓'], rows));
  const w0 = rows.find((r) => r[0] === '64' && r[1] === '0'), w5 = rows.find((r) => r[0] === '64' && r[1] === '0.5');
  if (w0 && w5) {
    lines.push('', `_Effect of w (depth 64): gradient consistency ${w0[7]} with w = 0 and ${w5[7]} with w = 0.5 ` +
      `(${Number(w5[7]) < Number(w0[7]) ? 'the loss lowers it, as in the paper' : 'the loss does not lower it in this short schedule'}); ` +
      `IoU ${w0[5]} vs ${w5[5]}._`);
  }
  return lines.join('\n');
}

function speedOf(store, variant, where, threads) {
  return store.speed?.rows?.find((r) => r.variant === variant && r.where === where && r.threads === threads)?.medianMs;
}

function inputSize(store) {
  const s = store.size;
  const lines = ['## Input size: 224 vs 480 at inference', ''];
  const at = { 224: store.quality?.hairmattenet, 480: s?.[480] };
  if (!s || s.missing || !at[224]?.groups || !at[480]) return [...lines, `Not measured: ${s?.missing ?? 'step not run'}.`].join('\n');
  lines.push('The shipped HairMatteNet (trained at 224) planned at 480x480 by the engine (`inputSize: 480`), refine none; ' +
    'quality image-weighted over the three sources, ms per 640x480 frame from the speed table (Node, 1 thread).', '');
  const rows = [224, 480].map((k) => {
    const a = allSources(at[k]);
    const ms = speedOf(store, k === 224 ? 'HairMatteNet' : 'HairMatteNet 480', 'Node', 1);
    return [String(k), f4(a.f1), f4(a.iou), f4(a.gradConsistency), f1(ms)];
  });
  lines.push(table(['input', 'F1', 'IoU', 'Grad. consistency ↓', 'ms/frame'], rows));
  lines.push('', `Training at 480 was not done: a 480 step has ${((480 * 480) / (224 * 224)).toFixed(1)}x the pixels of a 224 step, on 2 shared cores.`);
  return lines.join('\n');
}

function speed(store) {
  const sp = store.speed;
  const lines = ['## Speed', ''];
  if (!sp) return [...lines, 'Not measured (step not run).'].join('\n');
  lines.push(`Median ms per \`segment()\` call on a 640x480 frame (a still: the whole frame stretched to the network's ` +
    `square input, refinement as named), ${sp.rows[0]?.runs ?? '?'} runs after 5 warm-up, random weights (the work does not depend on them). ` +
    `${sp.before?.cpu ?? ''}, ${sp.before?.cores ?? '?'} logical cores, Node ${sp.before?.node ?? '?'}, Chromium headless. ` +
    `Load average ${f1(sp.before?.loadAverage)} before and ${f1(sp.after?.loadAverage)} after` +
    (Math.max(sp.before?.loadAverage ?? 0, sp.after?.loadAverage ?? 0) > 1.5
      ? ': **other jobs shared the cores, so absolute numbers are inflated and noisy**; engines were timed round-robin, so rows compare better with each other.'
      : ' (a nearly idle machine); engines were timed round-robin in rounds.'), '');
  const variants = [...new Set(sp.rows.map((r) => r.variant))];
  const rows = variants.map((v) => [v, ...[['Node', 1], ['Node', 2], ['Chromium', 1], ['Chromium', 2]].map(([w, t]) => f1(speedOf(store, v, w, t)))]);
  lines.push(table(['variant', 'Node 1 thread', 'Node 2 threads', 'Chromium 1 thread', 'Chromium 2 threads'], rows));
  lines.push('', 'MediaPipe runs in the same Chromium page through `@mediapipe/tasks-vision` with its CPU (XNNPACK) delegate: ' +
    'its model input is 512x512 and the package ships no multi-threaded wasm build, so it has a 1-thread column only.');
  const peers = sp.peers;
  if (peers?.rows?.length) {
    lines.push('', `### The same networks in other web runtimes (benchmarks/peers, ${peers.size ?? 224}x${peers.size ?? 224}, network only, Node)`, '');
    lines.push(table(['architecture', 'engine', 'threads', 'median ms', 'GFLOP/s'],
      peers.rows.map((r) => [r.arch ?? '?', `${r.engine}${r.version ? ` ${r.version}` : ''}`, String(r.threads ?? '?'), f1(r.medianMs), f1(r.gflops)])));
  }
  for (const f of peers?.failed ?? []) {
    lines.push('', `benchmarks/peers timed nothing for ${f.arch}: ${f.reason}${f.parity.length ? ` (${f.parity.join('; ')})` : ''}.`);
  }
  if (peers?.failed?.length) lines.push('', 'Its last timed comparison is in `benchmarks/README.md`.');
  return lines.join('\n');
}

function failureModes(store) {
  const lines = ['## Failure modes the paper names', '',
    'Counted on the validation images (described, not shown: the photos are under research licences). Definitions',
    '(`evaluation/failure-modes.mjs`): *eyebrow-shaped false positives* are 4-connected blobs predicted as hair',
    'outside the mask, wider than twice their height, 0.02-0.5% of the image, dark (mean luma < 80), off the border;',
    '*light hair on a bright background* is hair of mean luma > 120 whose 3-12 px outer band differs by < 25 in mean',
    'luma; *highlights* are hair pixels brighter than max(170, mean + 2 sd) of the hair, on images where they are',
    '>= 1% of it; highlight and miss rates count only hair pixels >= 3 px inside the mask (drawn masks are coarse at',
    'the edge). Dark hair: mean luma of the mask < 70.', ''];
  const variants = tableIVariants(store).filter(([, , m]) => m?.failureModes);
  if (!variants.length) return [...lines, 'Not measured.'].join('\n');
  const row = (label, f) => [label, ...variants.map(([, , m]) => f(m.failureModes))];
  lines.push(table(['', ...variants.map(([, l]) => l.split(' (')[0])], [
    row('dark-haired images', (x) => String(x.darkHairImages)),
    row('… with eyebrow-shaped false positives', (x) => String(x.darkHairWithEyebrowBlobs)),
    row('other images with them', (x) => String(x.otherImagesWithEyebrowBlobs)),
    row('light hair, low-contrast surroundings: images', (x) => String(x.lightLowContrastImages)),
    row('… their mean IoU (others)', (x) => `${f4(x.lightLowContrastIoU)} (${f4(x.otherIoU)})`),
    row('images with highlights', (x) => String(x.highlightImages)),
    row('… miss rate of highlight pixels (of all hair pixels)', (x) => `${f4(x.highlightMissRate)} (${f4(x.hairMissRateOnThoseImages)})`),
    row('… images where highlights are missed > 2x as often (and > 5%)', (x) => String(x.highlightImagesWorse)),
  ]));
  lines.push('', 'What we changed about them: nothing model-specific. The guided filter (refine: guided) follows the',
    'photo\'s edges, which is what the rows with and without it in Table I separate. The losses are the paper\'s; the',
    'schedule is shorter (see the model cards in `models/`).');
  return lines.join('\n');
}

function protocol(store) {
  const q = [...Object.values(store.quality ?? {}), store.mediapipe].find((m) => m?.groups);
  const counts = q ? SOURCES.map(([s, t]) => `${t} ${q.groups[s]?.count ?? 0}`).join(', ') : '?';
  const models = ['hairmattenet', 'hairsegnet'].map((k) => {
    const m = store.quality?.[k]?.model;
    const same = store.shipped?.[k] === undefined ? '' : store.shipped[k] ? `, byte-identical to the shipped \`models/${k}.hmm\``
      : `, **not** the shipped \`models/${k}.hmm\``;
    return m ? `\`${m.file}\` (${(m.bytes / 1e6).toFixed(1)} MB, ${m.modified.slice(0, 16).replace('T', ' ')} UTC${same})` : `${k}: absent`;
  });
  const limited = Object.values(store.quality ?? {}).some((m) => m?.limitPerSource) ? ' **(limited to the first N per source: a trial run)**' : '';
  const mp = store.mediapipe;
  return ['## Protocol', '',
    `- Data: the validation split of \`training/splits/hair_split.json\` (never trained on): ${counts} images${limited}.`,
    `- Models: ${models.join('; ')}.`,
    '- Each photo is given to `segment()` as it is, exactly as `npx hairmatte matte` does (temporal 0, `reset()` before',
    '  each photo): a still, which the engine stretches whole to the network\'s square, as in training, mapping the',
    '  matte back onto the photo (docs/matting.md). Measures at the photo\'s resolution with `bin/eval.mjs` (the code',
    '  of `npx hairmatte eval`), whose definitions are tested against `training/evaluate.py`\'s on the same predictions.',
    '- Soft matte for Eq. 1: the 8-bit alpha `segment()` returns, divided by 255 (after the refinement and the matte',
    '  levels), not the float probability; MediaPipe\'s hair confidence mask is quantised to 8 bits the same way.',
    `- MediaPipe: \`hair_segmenter.tflite\` through \`@mediapipe/tasks-vision\` ${mp?.version ?? ''} ImageSegmenter (IMAGE mode, CPU delegate)`,
    '  in headless Chromium, fed the same photos (decoded by our engine). Its 4th input channel (the previous frame\'s mask) cannot be',
    '  set through Tasks: ' + (mp?.alphaProbe ? `its feedback tensors are ${mp.feedbackDisabled ? 'disabled by Tasks for this model (console message)' : 'not reported disabled'}, ` +
      `and the frame's alpha does not reach it (alpha 0 vs 255 on ${mp.alphaProbe.images} photos: max |difference| ${mp.alphaProbe.maxAbsDiff}/255). ` : '') +
      'We cannot feed it zeros; every photo is segmented alike, with no previous mask of ours, whatever Tasks puts there.',
  ].join('\n');
}

// Table I's HairMatteNet rows (photos as they are) beside the old protocol (stretched first) and the
// mirrored quality: 'best' path, per source, with what segment() cost per photo.
function stills(store) {
  const st = store.stills;
  const lines = ['## What the network sees on a photo', ''];
  if (!st || st.missing) return [...lines, `Not measured: ${st?.missing ?? 'step not run'}.`].join('\n');
  lines.push('HairMatteNet, IoU on the validation images. *As `hairmatte matte` runs it*: the photo as it is (the ' +
    'engine stretches the whole photo to its 224x224 input; Table I). *Stretched first*: the photo stretched to a square ' +
    'at its long side before `segment()` and the matte resized back (what `training/evaluate.py` and this report ' +
    'measured before). *quality: \'best\'*: the network also on the mirror image, the two maps averaged.', '');
  const rows = [];
  for (const refine of ['guided', 'none']) {
    const asIs = store.quality?.[refine === 'guided' ? 'hairmattenet+guided' : 'hairmattenet'];
    const cols = [['as `hairmatte matte` runs it', asIs], ['stretched first', st[`${refine}/stretched`]], ['quality: \'best\'', st[`${refine}/best`]]];
    for (const [label, m] of cols) {
      if (!m?.groups) continue;
      rows.push([`${refine}${refine === 'guided' ? ' (default)' : ''}: ${label}`, ...SOURCES.map(([src]) => f4(m.groups[src]?.iou)),
        f4(allSources(m)?.iou)]);
    }
  }
  lines.push(table(['refine: protocol', ...SOURCES.map(([, t]) => t), 'all (image-weighted)'], rows));
  const tm = st.timing;
  if (tm) {
    lines.push('', `What \`quality: 'best'\` costs: median \`segment()\` time per photo (refine ${tm.refine}, ${tm.threads} thread, ` +
      `${tm.photos} validation photos (the first ${tm.perSource} of each source), 'fast' and 'best' alternating photo by photo) ${f1(tm.fastMs)} ms fast vs ` +
      `${f1(tm.bestMs)} ms best (${(tm.bestMs / tm.fastMs).toFixed(2)}x), load average ${f1(tm.before?.loadAverage)} before and ` +
      `${f1(tm.after?.loadAverage)} after (a shared machine: the ratio is the figure to read).`);
  }
  const fig = (m) => m?.groups?.figaro1k?.iou;
  for (const refine of ['guided', 'none']) {
    const asIs = fig(store.quality?.[refine === 'guided' ? 'hairmattenet+guided' : 'hairmattenet']), str = fig(st[`${refine}/stretched`]);
    if (asIs === undefined || str === undefined) continue;
    lines.push('', `_Figaro-1k, refine ${refine}: ${f4(asIs)} as \`hairmatte matte\` runs it vs ${f4(str)} stretched first ` +
      `(difference ${(asIs - str).toFixed(4)}: ${Math.abs(asIs - str) <= 0.01 ? '**within 0.01**' : '**not within 0.01**'})._`);
  }
  return lines.join('\n');
}

// The section of an earlier report under `heading` (up to the next heading of the same or a higher
// level), marked as carried over, or null.
function carried(previous, heading) {
  if (!previous) return null;
  const lines = previous.split('\n');
  const start = lines.findIndex((l) => l === heading);
  if (start < 0) return null;
  const level = heading.match(/^#+/)[0].length;
  let end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.match(/^#+/)[0].length <= level);
  if (end < 0) end = lines.length;
  while (end > start && lines[end - 1].trim() === '') end--;
  const when = previous.match(/at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/)?.[1] ?? 'an earlier run';
  return [lines[start], '', `_Carried over unchanged from the report generated at ${when} UTC: this step was not re-run ` +
    'with the current protocol; its numbers are from that run._', ...lines.slice(start + 1, end)].join('\n');
}

function figures(store) {
  const f = store.figures;
  if (!f?.file) return '';
  return ['## Figure', '', `![${f.captions.join(' | ')}](${f.file.replace(/^docs\//, '')})`, '',
    `Left to right: ${f.captions.join(' · ')}. Source: ${f.source}.`].join('\n');
}

export function renderReport(store, { previous = null } = {}) {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  // Sections whose step was not run here may be carried over from the previous report.
  const orCarried = (text, measured, heading) => (measured ? text : carried(previous, heading) ?? text);
  return [
    '# Results: hairmatte against the paper and MediaPipe',
    '',
    `> Generated by \`npm run results\` (\`node evaluation/results.mjs\`) at ${when} UTC from the measurements in`,
    '> `test-artifacts/results/measurements.json`. Do not edit by hand: re-run it. Steps can run alone',
    '> (`--steps quality,stills,stills-timing,mediapipe,size,table2,speed,figures`, `--limit N` per source for a trial,',
    '> `--render-only`, `--carry-from docs/RESULTS.md` to keep the sections of steps not re-run); Table II needs',
    '> `sh evaluation/table2/train.sh` first. Needs `../shared` (data, peer model).',
    '',
    protocol(store), '', tableI(store), '',
    orCarried(pytorchCheck(store), Object.keys(store.pytorch ?? {}).length, '### Cross-check: the same models through PyTorch'), '',
    stills(store), '',
    figaroTypes(store), '',
    orCarried(tableII(store), Object.keys(store.table2?.runs ?? {}).length, '## Table II: decoder depth, and the gradient-consistency loss'), '',
    orCarried(inputSize(store), store.size?.[480]?.groups, '## Input size: 224 vs 480 at inference'), '', orCarried(speed(store), store.speed?.rows?.length, '## Speed'), '', failureModes(store), '', figures(store), '',
  ].join('\n');
}
