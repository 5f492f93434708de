// HairMatte.create's onProgress: the bytes of the model file and the wasm build, summed, reported up to
// exactly their sizes on disk; a random-weight model counts the wasm only; bytes handed over count as loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL } from './helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const size = (file) => fs.statSync(path.join(ROOT, file)).size;

async function createWithProgress(options) {
  const calls = [];
  const hm = await HairMatte.create({ ...options, onProgress: (p) => calls.push({ ...p }) });
  hm.dispose();
  return calls;
}

test('onProgress: a bundled model + the wasm, loaded up to their sizes on disk', async () => {
  const calls = await createWithProgress({ model: 'hairsegnet' });
  const expected = size('dist/models/hairsegnet.hmm') + size('dist/hairmatte-simd.wasm');
  assert.ok(calls.length >= 1);
  assert.deepEqual(calls.at(-1), { loaded: expected, total: expected });
  for (let i = 1; i < calls.length; i++) assert.ok(calls[i].loaded >= calls[i - 1].loaded);
});

test('onProgress: random weights count the wasm only; model bytes given count as loaded', async () => {
  const random = await createWithProgress({ model: { random: 'hairsegnet', ...SMALL } });
  assert.deepEqual(random.at(-1), { loaded: size('dist/hairmatte-simd.wasm'), total: size('dist/hairmatte-simd.wasm') });
  const bytes = fs.readFileSync(path.join(ROOT, 'dist/models/hairsegnet.hmm'));
  const given = await createWithProgress({ model: new Uint8Array(bytes) });
  const expected = bytes.length + size('dist/hairmatte-simd.wasm');
  assert.deepEqual(given.at(-1), { loaded: expected, total: expected });
});

test('onProgress: a missing model rejects with the model error (not a wasm one), and later creates work', async () => {
  await assert.rejects(createWithProgress({ model: './no/such.hmm' }), /cannot read the model file/);
  const calls = await createWithProgress({ model: 'hairsegnet' });
  assert.ok(calls.length >= 1);
});
