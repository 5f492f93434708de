// The README's Node quick start, as a new user runs it: `npm pack` the package, `npm install` the tarball
// into an empty folder (no registry needed: the package has no dependencies), save the README's
// "A photo from Node" snippet verbatim as a script beside a photo, run it, and check the recoloured photo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';
import { HairMatte } from '../../bindings/js/index.mjs';

// The first ```js block of the README that reads 'me.jpg': the snippet the README promises works.
function readmeSnippet() {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.find((b) => b.includes("'me.jpg'"));
}

test('README: the Node snippet segments and recolours a photo from an empty folder with the package installed', async () => {
  const snippet = readmeSnippet();
  assert.ok(snippet, "README.md has no ```js block reading 'me.jpg'");
  const lines = snippet.split('\n').filter((l) => l.trim());
  assert.ok(lines.length <= 5, `the README promises 5 lines; the snippet has ${lines.length}`);

  let encoder = null;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-quickstart-'));
  try {
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180000 });
    assert.equal(pack.status, 0, `npm pack failed: ${pack.stderr}`);
    const tarball = path.join(tmp, JSON.parse(pack.stdout)[0].filename);

    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
    const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball],
      { cwd: app, encoding: 'utf8', timeout: 180000 });
    assert.equal(install.status, 0, `npm install of the tarball failed: ${install.stderr}`);

    // The photo: a 96x80 gradient with a darker "hair" band, encoded as PNG by this checkout (stb reads the
    // format from the bytes, so the README's file name me.jpg is fine).
    const width = 96, height = 80, rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4, hair = y < height / 3;
        rgba.set(hair ? [70 + x % 7, 45, 30, 255] : [200 - y, 160, 140 + x % 50, 255], i);
      }
    }
    encoder = await HairMatte.create({ model: { random: 'hairsegnet', inputSize: 64 } });
    fs.writeFileSync(path.join(app, 'me.jpg'), encoder.encodePng({ data: rgba, width, height }));

    fs.writeFileSync(path.join(app, 'quick.mjs'), snippet);
    const runSnippet = spawnSync(process.execPath, ['quick.mjs'], { cwd: app, encoding: 'utf8', timeout: 180000 });
    assert.equal(runSnippet.status, 0, `the README snippet failed:\n${runSnippet.stderr}`);

    const out = path.join(app, 'me-plum.png');
    assert.ok(fs.existsSync(out), 'the snippet must write me-plum.png');
    const result = encoder.decodeImage(new Uint8Array(fs.readFileSync(out)));
    assert.deepEqual([result.width, result.height], [width, height], 'the recoloured photo keeps the size');
    // The installed package gives exactly what this checkout gives for the same call on the same photo.
    const reference = await HairMatte.create({ model: 'hairmattenet' });
    const photo = reference.decodeImage(new Uint8Array(fs.readFileSync(path.join(app, 'me.jpg'))));
    const expected = reference.recolor(photo, { color: '#8b2252' });
    reference.dispose();
    let differ = 0;
    for (let i = 0; i < expected.data.length; i++) if (expected.data[i] !== result.data[i]) differ++;
    assert.equal(differ, 0, 'the installed package and this checkout must recolour the photo identically');
  } finally {
    if (encoder) encoder.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
