// bindings/js/index.d.ts: an example using every option compiles under `tsc --strict`, and an example of
// seven misuses fails with exactly those seven errors (so the declarations are not just `any`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';

const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES = path.join(REPO_ROOT, 'tests', 'node', 'types');

function tsc(project) {
  return spawnSync(process.execPath, [TSC, '-p', path.join(TYPES, project)], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });
}

test('the example using the whole API type-checks', { skip: !fs.existsSync(TSC) && 'typescript is not installed (npm install)' }, () => {
  const run = tsc('tsconfig.json');
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test('seven misuses are seven type errors, on the marked lines', { skip: !fs.existsSync(TSC) && 'typescript is not installed' }, () => {
  const run = tsc('bad-tsconfig.json');
  assert.notEqual(run.status, 0);
  const lines = [...run.stdout.matchAll(/bad-example\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]));
  const source = fs.readFileSync(path.join(TYPES, 'bad-example.ts'), 'utf8').split('\n');
  const marked = source.flatMap((line, i) => (/\/\/ error \d/.test(line) ? [i + 1] : []));
  assert.equal(marked.length, 7);
  assert.deepEqual(lines, marked, run.stdout);
});
