// bindings/js/index.d.ts: an example using every option compiles under `tsc --strict`, and an example of
// nine misuses fails with exactly those nine errors (so the declarations are not just `any`), with the
// oldest TypeScript the package supports (5.0, the devDependency `typescript-5.0`) and the newest pinned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers.mjs';

const TYPES = path.join(REPO_ROOT, 'tests', 'node', 'types');
const COMPILERS = ['typescript-5.0', 'typescript'];

for (const compiler of COMPILERS) {
  const TSC = path.join(REPO_ROOT, 'node_modules', compiler, 'bin', 'tsc');
  const version = fs.existsSync(TSC) ? JSON.parse(fs.readFileSync(path.join(TSC, '..', '..', 'package.json'), 'utf8')).version : '?';
  const skip = !fs.existsSync(TSC) && `${compiler} is not installed (npm install)`;
  const tsc = (project) => spawnSync(process.execPath, [TSC, '-p', path.join(TYPES, project)], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });

  test(`TypeScript ${version}: the example using the whole API type-checks`, { skip }, () => {
    const run = tsc('tsconfig.json');
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  test(`TypeScript ${version}: nine misuses are nine type errors, on the marked lines`, { skip }, () => {
    const run = tsc('bad-tsconfig.json');
    assert.notEqual(run.status, 0);
    const lines = [...run.stdout.matchAll(/bad-example\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]));
    const source = fs.readFileSync(path.join(TYPES, 'bad-example.ts'), 'utf8').split('\n');
    const marked = source.flatMap((line, i) => (/\/\/ error \d/.test(line) ? [i + 1] : []));
    assert.equal(marked.length, 9);
    assert.deepEqual(lines, marked, run.stdout);
  });
}
