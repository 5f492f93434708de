// Issue 17, finding 1: dispose() must let an instance go in Node. Emscripten's Node glue used to add
// process.on('uncaughtException') and ('unhandledRejection') handlers on every instantiation (the link
// options NODEJS_CATCH_EXIT / NODEJS_CATCH_REJECTION, on by default in 3.1.6); nothing removed them, so
// every module stayed reachable (~40 MB each) and an application's own uncaught exception exited with 7.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { HairMatte } from '../../bindings/js/index.mjs';
import { REPO_ROOT, SMALL } from './helpers.mjs';

const INDEX = path.join(REPO_ROOT, 'bindings', 'js', 'index.mjs');
const model = { random: 'hairsegnet', ...SMALL };

test('create() adds no process-wide listeners, on any build', async () => {
  const events = ['uncaughtException', 'unhandledRejection', 'exit'];
  const count = () => events.map((e) => process.listenerCount(e));
  const before = count();
  for (const [build, threads] of [['simd', 1], ['plain', 1], ['simd-threads', 2]]) {
    const hm = await HairMatte.create({ model, build, threads });
    assert.deepEqual(count(), before, `${build}: listeners added by create()`);
    hm.dispose();
    assert.deepEqual(count(), before, `${build}: listeners left after dispose()`);
  }
});

// Runs `body` in a fresh Node (ES module, `HairMatte` imported) and returns its exit code and output.
function runNode(body, args = []) {
  const source = `import { HairMatte } from ${JSON.stringify(INDEX)};\n${body}`;
  return spawnSync(process.execPath, [...args, '--input-type=module', '-e', source], { encoding: 'utf8', timeout: 120000 });
}

test("after a create/dispose an application's uncaught exception still exits with code 1", () => {
  const r = runNode(`
    (await HairMatte.create({ model: ${JSON.stringify(model)} })).dispose();
    setTimeout(() => { throw new Error('the application failed'); }, 0);`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /the application failed/);
  const rejection = runNode(`
    (await HairMatte.create({ model: ${JSON.stringify(model)} })).dispose();
    Promise.reject(new Error('an unhandled rejection'));`);
  assert.equal(rejection.status, 1, rejection.stderr);
  assert.match(rejection.stderr, /an unhandled rejection/);
});

test('30 create/dispose cycles: RSS after gc() grows by less than 64 MB, and no listener warning', () => {
  // A fresh process with --expose-gc: the numbers are not disturbed by the other tests of this file.
  const r = runNode(`
    const rss = () => { gc(); gc(); return process.memoryUsage().rss; };
    (await HairMatte.create({ model: ${JSON.stringify(model)} })).dispose();  // warm-up: code, caches
    const before = rss();
    for (let i = 0; i < 30; i++) (await HairMatte.create({ model: ${JSON.stringify(model)} })).dispose();
    await new Promise((r) => setTimeout(r, 100));
    console.log(JSON.stringify({ before, after: rss() }));`, ['--expose-gc']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning/);
  const { before, after } = JSON.parse(r.stdout.trim().split('\n').pop());
  const grown = (after - before) / 2 ** 20;
  assert.ok(grown < 64, `RSS grew by ${grown.toFixed(0)} MB over 30 cycles (${(before / 2 ** 20).toFixed(0)} -> ${(after / 2 ** 20).toFixed(0)} MB)`);
});
