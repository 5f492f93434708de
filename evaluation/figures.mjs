// Figures for docs/: made only from shippable images. The astronaut portrait (Eileen Collins, NASA,
// public domain) comes from Debian's python3-skimage package: `apt-get download` + `dpkg -x` into
// test-artifacts/results/skimage (the package is not installed). Panels: photo | HairSegNet matte |
// HairMatteNet matte | HairMatteNet + guided filter | recoloured, each 256x256.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { HairMatte } from '../bindings/js/index.mjs';
import { resizeBilinear } from '../bin/eval.mjs';
import { REPO_ROOT } from './browser/server.mjs';

const WORK = path.join(REPO_ROOT, 'test-artifacts', 'results', 'skimage');
const ASTRONAUT = path.join(WORK, 'x', 'usr', 'lib', 'python3', 'dist-packages', 'skimage', 'data', 'astronaut.png');
const FIGURES = path.join(REPO_ROOT, 'docs', 'figures');
const PANEL = 256;

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

const grey = (alpha, w, h) => {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) { rgba.fill(alpha[i], 4 * i, 4 * i + 3); rgba[4 * i + 3] = 255; }
  return rgba;
};

// Panels side by side, each PANEL x PANEL RGBA.
function strip(panels) {
  const w = PANEL * panels.length, out = new Uint8Array(w * PANEL * 4);
  panels.forEach((p, k) => {
    for (let y = 0; y < PANEL; y++) out.set(p.subarray(y * PANEL * 4, (y + 1) * PANEL * 4), (y * w + k * PANEL) * 4);
  });
  return { width: w, height: PANEL, data: out };
}

// models: { hairmattenet, hairsegnet } files (or null: that panel is left out).
export async function makeFigures(models) {
  const file = astronautFile();
  const codec = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
  const photo = codec.decodeImage(new Uint8Array(fs.readFileSync(file)));
  const small = (rgba) => resizeBilinear(rgba, photo.width, photo.height, 4, PANEL, PANEL, Uint8Array);
  const panels = [small(photo.data)], captions = ['photo'];
  let recolored = null;
  for (const [arch, refine, caption] of [['hairsegnet', 'none', 'HairSegNet'], ['hairmattenet', 'none', 'HairMatteNet'],
    ['hairmattenet', 'guided', 'HairMatteNet + guided filter']]) {
    if (!models[arch] || !fs.existsSync(models[arch])) continue;
    const hm = await HairMatte.create({ model: models[arch], refine, temporal: 0, trackHead: false });
    const matte = hm.segment(photo);
    panels.push(small(grey(matte.data, photo.width, photo.height)));
    captions.push(caption);
    if (arch === 'hairmattenet' && refine === 'guided') {
      recolored = hm.recolor(photo, { color: '#8b2252', mode: 'solid', strength: 0.8 }, matte);
    }
    hm.dispose();
  }
  if (recolored) { panels.push(small(recolored.data)); captions.push('recoloured #8b2252 (solid, 0.8)'); }
  fs.mkdirSync(FIGURES, { recursive: true });
  const out = path.join(FIGURES, 'astronaut-mattes.png');
  fs.writeFileSync(out, codec.encodePng(strip(panels)));
  codec.dispose();
  return { file: path.relative(REPO_ROOT, out), source: 'astronaut.png of Debian python3-skimage (NASA, public domain)', captions };
}
