// The page's copy of the recolour shader must be the generated constants (src/color/recolor_constants.glsl)
// followed by src/color/recolor.glsl, character for character, and every uniform that file declares must be
// one the renderer sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/browser.mjs';
import { RECOLOR_GLSL, recolorUniforms } from '../../web/renderer/recolor-glsl.mjs';

const source = path.join(REPO_ROOT, 'src', 'color', 'recolor.glsl');
const constants = path.join(REPO_ROOT, 'src', 'color', 'recolor_constants.glsl');

test('web/renderer/recolor-shader-source.mjs holds recolor_constants.glsl + recolor.glsl verbatim', () => {
  assert.ok(fs.existsSync(source), 'src/color/recolor.glsl is missing');
  assert.ok(RECOLOR_GLSL === `${fs.readFileSync(constants, 'utf8')}\n${fs.readFileSync(source, 'utf8')}`,
    'the page copy is out of date with src/color/recolor.glsl: run node scripts/gen-constants.mjs');
  for (const name of new Set(RECOLOR_GLSL.match(/\bHM_[A-Z0-9_]+/g))) {
    assert.match(RECOLOR_GLSL, new RegExp(`^const \\w+ ${name} = `, 'm'), `${name} is used but not declared`);
  }
});

test('the renderer sets every uniform recolor.glsl declares', () => {
  const declared = [...RECOLOR_GLSL.matchAll(/^uniform\s+\w+\s+(\w+)\s*;/gm)].map((m) => m[1]).sort();
  const set = [];
  const gl = new Proxy({}, { get: () => (location) => set.push(location) });
  recolorUniforms(gl, (name) => name, { color: '#8b2252', colorEnd: '#c9a16b', mode: 'ombre', strength: 0.5 },
    { lightness: 0.4, lightnessSd: 0.1, top: 3, bottom: 90 });
  assert.ok(declared.length > 0);
  assert.deepEqual([...new Set(set)].sort(), declared);
});
