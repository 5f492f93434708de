// Where Node finds its files (bindings/js/loader.mjs): the wasm builds in dist/ (the same files browsers
// get), the pthread glue and worker and the image codec in dist/node/; wasmPath relocates the wasm and
// models, never Node's own worker script. The codec works with every build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { DIST, randomFrame } from './helpers.mjs';

const model = { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 };

test("wasmPath: Node reads the wasm from that folder (2 threads), and says which file it could not read", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-wasmpath-'));
  try {
    const empty = HairMatte.create({ model, threads: 2, wasmPath: dir });
    await assert.rejects(empty, (e) => e.message.includes(path.join(dir, 'hairmatte-simd-threads.wasm')) && /cannot read/.test(e.message));
    fs.copyFileSync(path.join(DIST, 'hairmatte-simd-threads.wasm'), path.join(dir, 'hairmatte-simd-threads.wasm'));
    const hm = await HairMatte.create({ model, threads: 2, wasmPath: dir });
    try {
      assert.equal(hm.info.build, 'simd-threads');
      const frame = randomFrame(48, 40);
      const want = await HairMatte.create({ model, threads: 2 });
      try {
        assert.deepEqual(hm.segment(frame).data, want.segment(frame).data);
      } finally {
        want.dispose();
      }
    } finally {
      hm.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const [build, threads] of [['plain', 1], ['simd', 1], ['simd-threads', 2]]) {
  test(`the image codec works with the ${build} build in Node (PNG out and back)`, async () => {
    const hm = await HairMatte.create({ model, build, threads });
    try {
      const grey = { width: 3, height: 2, data: new Uint8Array([0, 40, 80, 120, 160, 255]) };
      const back = hm.decodeImage(hm.encodePng(grey));
      assert.equal(back.width, 3);
      assert.equal(back.height, 2);
      assert.deepEqual(Array.from(back.data.filter((_, i) => i % 4 === 0)), Array.from(grey.data));
      assert.throws(() => hm.decodeImage(new Uint8Array([1, 2, 3])), /not a readable JPEG or PNG image/);
    } finally {
      hm.dispose();
    }
  });
}
