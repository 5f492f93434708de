// Issue 17, finding 2: options inside their documented ranges whose network cannot fit in the wasm memory
// (2 GiB) used to abort the module (`RuntimeError: Aborted()`); they now reject with an Error that names the
// memory asked for and the limit, and the next create() works. Detached model buffers are an Error too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { DIST, SMALL, randomFrame } from './helpers.mjs';

const TOO_LARGE = /needs (\d+) MB of memory \(activations \d+ MB, weights \d+ MB, input\/output buffers \d+ MB\) but the wasm memory limit is 2048 MB/;

// Rejects with the memory Error (never a RuntimeError), and says more than the limit was asked for.
async function assertTooLarge(options, what) {
  await assert.rejects(HairMatte.create(options), (e) => {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what}: ${e.message}`);
    assert.match(e.message, TOO_LARGE, what);
    assert.ok(Number(TOO_LARGE.exec(e.message)[1]) > 1024, `${what}: ${e.message}`);
    return true;
  });
}

// CRC-32 (IEEE) of the benchmarks' model writer, for rewriting a header (docs/model-format.md).
const { crc32 } = await import('../../benchmarks/peers/model-file.mjs');

test('random models in range but too large for the wasm memory: an Error naming both sizes', async () => {
  const survivor = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL } });
  const frame = randomFrame(40, 30);
  const before = survivor.segment(frame).data;
  for (const threads of [1, 2]) {
    await assertTooLarge({ threads, model: { random: 'hairmattenet', decoderDepth: 1024, inputSize: 1024 } }, `depth 1024 at 1024, ${threads} threads`);
    await assertTooLarge({ threads, model: { random: 'hairmattenet', decoderDepth: 256, inputSize: 2048 } }, `depth 256 at 2048, ${threads} threads`);
  }
  assert.deepEqual(survivor.segment(frame).data, before, 'an existing instance is untouched');
  survivor.dispose();
  const next = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL } });
  assert.equal(next.segment(frame).data.length, 40 * 30);
  next.dispose();
});

test('a valid model file whose header says input 4096: an Error naming both sizes', async () => {
  const file = path.join(DIST, 'models', 'hairmattenet.hmm');
  if (!fs.existsSync(file)) return;  // built by scripts/build-wasm.sh; the random cases above still run
  const bytes = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(bytes.buffer);
  view.setUint32(24, 4096, true);  // the header's input size
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  await assertTooLarge({ model: bytes }, 'header input 4096');
  await assertTooLarge({ model: bytes, threads: 2 }, 'header input 4096, 2 threads');
});

test('a detached model buffer is an Error, not a TypeError', async () => {
  const detached = new ArrayBuffer(64);
  const view = new Uint8Array(detached);
  structuredClone(detached, { transfer: [detached] });
  for (const model of [detached, view]) {
    await assert.rejects(HairMatte.create({ model }), (e) => {
      assert.ok(!(e instanceof TypeError), e.message);
      assert.match(e.message, /^hairmatte: model buffer is detached/);
      return true;
    });
  }
});
