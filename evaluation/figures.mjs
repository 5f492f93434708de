// Figures for docs/: made only from shippable images. The astronaut portrait (Eileen Collins, NASA,
// public domain) comes from Debian's python3-skimage package: `apt-get download` + `dpkg -x` into
// test-artifacts/results/skimage (the package is not installed). The figures show the portrait's head
// (makeFigures below lists them) and what the network sees (view-figure.mjs); run alone: `npm run figures`.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { HairMatte } from '../bindings/js/index.mjs';
import { resizeBilinear } from '../bin/eval-samples.mjs';
import { REPO_ROOT } from './browser/server.mjs';
import { makeViewFigure } from './view-figure.mjs';

const WORK = path.join(REPO_ROOT, 'test-artifacts', 'results', 'skimage');
const ASTRONAUT = path.join(WORK, 'x', 'usr', 'lib', 'python3', 'dist-packages', 'skimage', 'data', 'astronaut.png');
const FIGURES = path.join(REPO_ROOT, 'docs', 'figures');
const PANEL = 192;

export function astronautFile() {
  if (fs.existsSync(ASTRONAUT)) return ASTRONAUT;
  fs.mkdirSync(WORK, { recursive: true });
  const dl = spawnSync('apt-get', ['download', 'python3-skimage'], { cwd: WORK, encoding: 'utf8' });
  const deb = fs.readdirSync(WORK).find((f) => f.startsWith('python3-skimage_') && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download python3-skimage failed: ${(dl.stderr || '').trim().split('\n').pop()}`);
  const x = spawnSync('dpkg', ['-x', deb, 'x'], { cwd: WORK, encoding: 'utf8' });
  if (x.status !== 0 || !fs.existsSync(ASTRONAUT)) throw new Error(`dpkg -x ${deb} did not give astronaut.png: ${x.stderr}`);
  return ASTRONAUT;
}

// Re-encodes a PNG smaller with PIL (Debian's python3-pil, /usr/bin/python3) when it is there: losslessly
// (optimize), or with palette: true as an adaptive palette of 256 colours (for screenshots). Without PIL the file is
// left as the engine's encoder wrote it.
export function shrinkPng(file, { palette = false } = {}) {
  const script = [
    'import sys', 'from PIL import Image',
    'im = Image.open(sys.argv[1]).convert("RGB")',
    'adaptive = getattr(Image, "Palette", Image).ADAPTIVE',
    'im = im.convert("P", palette=adaptive, colors=256) if sys.argv[2] == "1" else im',
    'im.save(sys.argv[1], optimize=True)',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script, file, palette ? '1' : '0'], { encoding: 'utf8' });
  return r.status === 0;
}

const grey = (alpha, w, h) => {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) { rgba.fill(alpha[i], 4 * i, 4 * i + 3); rgba[4 * i + 3] = 255; }
  return rgba;
};

// The head of the portrait (the photo is 512 x 512): a CROP x CROP square at native resolution, resized to
// PANEL x PANEL, so the hair's edge is visible and the PNGs stay small.
const HEAD = { x: 100, y: 0, size: 256 };

function headPanel(rgba, width, height) {
  const crop = new Uint8Array(HEAD.size * HEAD.size * 4);
  for (let y = 0; y < HEAD.size; y++) {
    const row = (HEAD.y + y) * width + HEAD.x;
    crop.set(rgba.subarray(row * 4, (row + HEAD.size) * 4), y * HEAD.size * 4);
  }
  return resizeBilinear(crop, HEAD.size, HEAD.size, 4, PANEL, PANEL, Uint8Array);
}

// Panels side by side, each PANEL x PANEL RGBA.
function strip(panels) {
  const w = PANEL * panels.length, out = new Uint8Array(w * PANEL * 4);
  panels.forEach((p, k) => {
    for (let y = 0; y < PANEL; y++) out.set(p.subarray(y * PANEL * 4, (y + 1) * PANEL * 4), (y * w + k * PANEL) * 4);
  });
  return { width: w, height: PANEL, data: out };
}

export const RECOLOR_LOOKS = [
  ['solid', { color: '#8b2252', mode: 'solid', strength: 0.8 }, 'solid #8b2252'],
  ['ombre', { color: '#5a2a1a', colorEnd: '#e6c27a', mode: 'ombre', strength: 0.9 }, 'ombre #5a2a1a to #e6c27a'],
  ['highlights', { color: '#f0d890', mode: 'highlights', strength: 1 }, 'highlights #f0d890'],
];

// models: { hairmattenet, hairsegnet } files (or null: that panel is left out). Writes
//   docs/figures/astronaut-mattes.png   photo | HairSegNet | HairSegNet + guided filter | HairMatteNet |
//                                       HairMatteNet + guided filter (the paper's Table I rows)
//   docs/figures/astronaut-recolor.png  before | solid | ombre | highlights (RECOLOR_LOOKS, on the
//                                       HairMatteNet + guided filter matte)
export async function makeFigures(models) {
  const file = astronautFile();
  const codec = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  const photo = codec.decodeImage(new Uint8Array(fs.readFileSync(file)));
  const before = headPanel(photo.data, photo.width, photo.height);
  const panels = [before], captions = ['photo'];
  let recolorMatte = null, recolorEngine = null;
  for (const [arch, refine, caption] of [['hairsegnet', 'none', 'HairSegNet'], ['hairsegnet', 'guided', 'HairSegNet + guided filter'],
    ['hairmattenet', 'none', 'HairMatteNet'], ['hairmattenet', 'guided', 'HairMatteNet + guided filter']]) {
    if (!models[arch] || !fs.existsSync(models[arch])) continue;
    const hm = await HairMatte.create({ model: models[arch], refine, temporal: 0, trackHead: false });
    const matte = hm.segment(photo);
    panels.push(headPanel(grey(matte.data, photo.width, photo.height), photo.width, photo.height));
    captions.push(caption);
    if (arch === 'hairmattenet' && refine === 'guided') {
      recolorMatte = matte;
      recolorEngine = hm;
    } else {
      hm.dispose();
    }
  }
  fs.mkdirSync(FIGURES, { recursive: true });
  const out = path.join(FIGURES, 'astronaut-mattes.png');
  fs.writeFileSync(out, codec.encodePng(strip(panels)));
  shrinkPng(out);
  const recolor = { file: null, captions: ['before'] };
  if (recolorEngine) {
    const afters = RECOLOR_LOOKS.map(([, look, caption]) => {
      recolor.captions.push(caption);
      const after = recolorEngine.recolor(photo, look, recolorMatte);
      return headPanel(after.data, after.width, after.height);
    });
    const name = path.join(FIGURES, 'astronaut-recolor.png');
    fs.writeFileSync(name, codec.encodePng(strip([before, ...afters])));
    shrinkPng(name);
    recolor.file = path.relative(REPO_ROOT, name);
    recolor.looks = RECOLOR_LOOKS.map(([, look]) => look);
    recolorEngine.dispose();
  }
  let view = null;
  if (models.hairmattenet && fs.existsSync(models.hairmattenet)) {
    const name = path.join(FIGURES, 'what-the-network-sees.png');
    view = { file: path.relative(REPO_ROOT, name), ...await makeViewFigure(codec, photo, models.hairmattenet, name) };
    shrinkPng(name);
  }
  codec.dispose();
  return { file: path.relative(REPO_ROOT, out), source: 'astronaut.png of Debian python3-skimage (NASA, public domain)', captions, recolor, view };
}

// `npm run figures` (node evaluation/figures.mjs): the figures from the shipped models in models/.
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(REPO_ROOT, 'evaluation', 'figures.mjs')) {
  const models = { hairmattenet: path.join(REPO_ROOT, 'models', 'hairmattenet.hmm'), hairsegnet: path.join(REPO_ROOT, 'models', 'hairsegnet.hmm') };
  const result = await makeFigures(models);
  console.log(JSON.stringify(result, null, 2));
}
