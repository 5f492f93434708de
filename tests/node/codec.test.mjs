// decodeImage / encodePng (stb inside the wasm module) against exact round trips and against an
// independent decoder (PIL, through /usr/bin/python3) when it is available.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, REPO_ROOT } from './helpers.mjs';

const SHARED = path.resolve(REPO_ROOT, '..', 'shared');
let hm;
let tmp;

before(async () => {
  hm = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hairmatte-codec-'));
});
after(() => {
  hm.dispose();
  fs.rmSync(tmp, { recursive: true });
});

const havePil = spawnSync('/usr/bin/python3', ['-c', 'import PIL, numpy'], { encoding: 'utf8' }).status === 0;

// PIL's RGBA pixels of an image file, as a Buffer.
function pilRgba(file) {
  const code = 'import sys; from PIL import Image; sys.stdout.buffer.write(Image.open(sys.argv[1]).convert("RGBA").tobytes())';
  const run = spawnSync('/usr/bin/python3', ['-c', code, file], { maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, String(run.stderr));
  return run.stdout;
}

test('PNG round trips exactly: RGBA, RGB and grey', () => {
  const { data, width, height } = randomFrame(37, 19, 5);
  const rgba = hm.decodeImage(hm.encodePng({ data, width, height }));
  assert.deepEqual([rgba.width, rgba.height], [37, 19]);
  assert.deepEqual(Buffer.from(rgba.data), Buffer.from(data));

  const rgb = data.filter((_, i) => i % 4 !== 3);
  const fromRgb = hm.decodeImage(hm.encodePng({ data: rgb, width, height }));
  assert.deepEqual(Buffer.from(fromRgb.data), Buffer.from(data.map((v, i) => (i % 4 === 3 ? 255 : v))));

  const grey = data.subarray(0, width * height);
  const fromGrey = hm.decodeImage(hm.encodePng({ data: grey, width, height }));
  const expected = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : grey[i >> 2]));
  assert.deepEqual(Buffer.from(fromGrey.data), Buffer.from(expected));
});

test('our PNGs read the same in PIL', { skip: !havePil && '/usr/bin/python3 has no PIL' }, () => {
  const frame = randomFrame(23, 31, 8);
  const file = path.join(tmp, 'rgba.png');
  fs.writeFileSync(file, hm.encodePng(frame));
  assert.deepEqual(pilRgba(file), Buffer.from(frame.data));
});

test('a JPEG portrait decodes like PIL decodes it', { skip: (!havePil && 'no PIL') || (!fs.existsSync(path.join(SHARED, 'portraits')) && `${SHARED}/portraits is absent`) }, () => {
  const dir = path.join(SHARED, 'portraits');
  const file = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort()[0]);
  const ours = hm.decodeImage(fs.readFileSync(file));
  const theirs = pilRgba(file);
  assert.equal(ours.data.length, theirs.length);
  // JPEG decoders may differ by IDCT and chroma upsampling rounding: small on average.
  let sum = 0;
  for (let i = 0; i < theirs.length; i++) sum += Math.abs(ours.data[i] - theirs[i]);
  const mean = sum / theirs.length;
  assert.ok(mean < 2, `mean |stb - PIL| = ${mean.toFixed(3)}`);
});

test('bad image bytes and bad pixel buffers throw clear Errors', () => {
  const png = hm.encodePng(randomFrame(8, 8));
  assert.throws(() => hm.decodeImage(new Uint8Array(0)), /image file is empty/);
  assert.throws(() => hm.decodeImage(randomFrame(10, 10).data), /not a readable JPEG or PNG image/);
  assert.throws(() => hm.decodeImage(png.subarray(0, png.length >> 1)), /cannot decode the image|not a readable/);
  assert.throws(() => hm.decodeImage('photo.jpg'), /takes a Uint8Array or ArrayBuffer/);
  assert.throws(() => hm.encodePng({ data: new Uint8Array(10), width: 2, height: 2 }), /not 1, 3 or 4 bytes per pixel/);
  assert.throws(() => hm.encodePng({ data: [1, 2, 3, 4], width: 1, height: 1 }), /must be a Uint8Array/);
  assert.throws(() => hm.encodePng({ data: new Uint8Array(4), width: 0, height: 1 }), /width must be an integer/);
  assert.equal(hm.decodeImage(png).width, 8, 'still works');
});
