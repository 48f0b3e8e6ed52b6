#!/usr/bin/env node
// Runs each package's scripts/bundle.js (after tsc): the short-lived and the per-service
// programs load one-file bundles of their compiled modules, which starts them faster than
// resolving a dozen ES modules. The TypeScript sources stay the truth; bin shims fall back to
// dist/bin/ when a bundle is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let failed = false;
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const script = join(root, 'packages', pkg, 'scripts', 'bundle.js');
  if (!existsSync(script)) continue;
  const run = spawnSync(process.execPath, [script], { cwd: join(root, 'packages', pkg), stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bundle: fatal: packages/${pkg}/scripts/bundle.js failed`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
