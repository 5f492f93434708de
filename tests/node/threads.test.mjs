// The pthread build gives exactly the single-thread build's output, and Node exits after dispose().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame, REPO_ROOT } from './helpers.mjs';

for (const arch of ['hairsegnet', 'hairmattenet']) {
  test(`${arch}: 2 threads (SIMD+pthreads build) == 1 thread (SIMD build), bit for bit`, async () => {
    const model = { random: arch, ...SMALL, inputSize: 96 };
    const one = await HairMatte.create({ model, threads: 1 });
    const two = await HairMatte.create({ model, threads: 2 });
    try {
      assert.equal(one.info.build, 'simd');
      assert.equal(two.info.build, 'simd-threads');
      assert.equal(two.info.threads, 2);
      for (const [w, h, seed] of [[96, 96, 1], [131, 77, 2]]) {
        const frame = randomFrame(w, h, seed);
        assert.deepEqual(two.segment(frame).data, one.segment(frame).data);
      }
    } finally {
      one.dispose();
      two.dispose();
    }
  });
}

test('a script using 3 threads exits by itself once the instance is disposed', () => {
  const script = `
    import { HairMatte } from './bindings/js/index.mjs';
    const hm = await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64 }, threads: 3 });
    hm.segment({ data: new Uint8Array(64 * 64 * 4), width: 64, height: 64 });
    console.log('threads', hm.info.threads);
    hm.dispose();`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 60000, encoding: 'utf8' });
  assert.equal(run.error, undefined, `did not exit: ${run.error}`);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /threads 3/);
});
