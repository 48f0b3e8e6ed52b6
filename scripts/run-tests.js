#!/usr/bin/env node
// Runs the compiled tests with node:test: every package's dist-test/ and the cross-package test/dist/.
// `node scripts/run-tests.js supervise svc` runs only those packages' tests (`root` for test/).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`run-tests: Node ${process.version}; run through npm (npm test) so the pinned Node 24 is used`);
  process.exit(1);
}

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => join(e.parentPath, e.name));
}

const dirs = readdirSync(join(root, 'packages'))
  .filter((p) => only.length === 0 || only.includes(p))
  .map((p) => join(root, 'packages', p, 'dist-test'));
if (only.length === 0 || only.includes('root')) dirs.push(join(root, 'test', 'dist'));

const files = dirs.flatMap(testFiles).sort();
if (files.length === 0) {
  console.error('run-tests: no test files found; build first (npm run build)');
  process.exit(1);
}
// A hung test must fail the run, not hold CI until its deadline.
const result = spawnSync(process.execPath, ['--test', '--test-timeout=180000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
