// core's addon loader: prebuilds/PLATFORM-ARCH/ before build/, a fallback when a prebuild will
// not load, and one FortressError (ERR_ADDON, `unable to load PATH: REASON`) instead of a
// loader's stack when nothing loads.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { ERR_ADDON, loadAddon, packageDir } from '@fortress/core/addon';
import { isFortressError } from '@fortress/core/errors';

const core = packageDir(new URL('../dist/libc.js', import.meta.url).href, 'core');
const LIBC = join(core, 'build/libc.node');
const PLATFORM = `${process.platform}-${process.arch}`;
const scratch = mkdtempSync(join(tmpdir(), 'fortress-addon-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Libc {
  getpgid(pid: number): number;
}

/** A package directory (with a trailing slash, as packageDir gives) holding the given files. */
function fakePackage(name: string, files: Record<string, 'libc' | 'garbage'>): string {
  const dir = join(scratch, name);
  for (const [path, what] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    if (what === 'libc') copyFileSync(LIBC, join(dir, path));
    else writeFileSync(join(dir, path), 'not an ELF file\n');
  }
  return `${dir}/`;
}

test("packageDir: a module's own package", () => {
  assert.equal(core, `${join(import.meta.dirname, '..')}/`);
});

test("packageDir: from a bundle in another package, the node_modules Node's resolution would use", () => {
  // A checkout's layout: packages/supervise/dist/bundle/ and node_modules/@fortress/core.
  const root = join(scratch, 'checkout');
  mkdirSync(join(root, 'node_modules/@fortress/core'), { recursive: true });
  mkdirSync(join(root, 'packages/supervise/dist/bundle'), { recursive: true });
  const bundle = `file://${root}/packages/supervise/dist/bundle/supervise.js`;
  assert.equal(packageDir(bundle, 'core'), `${root}/node_modules/@fortress/core/`);
  assert.equal(packageDir(bundle, 'supervise'), `${root}/packages/supervise/`);
  // An install's: node_modules/@fortress/svc/dist/bundle/ beside node_modules/@fortress/core.
  assert.equal(
    packageDir(`file://${root}/node_modules/@fortress/svc/dist/bundle/svc.js`, 'core'),
    `${root}/node_modules/@fortress/core/`,
  );
});

test('every workspace package lives in a directory named as the package (what packageDir relies on)', () => {
  const repo = join(import.meta.dirname, '../../..');
  const workspaces: string[] = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).workspaces;
  for (const workspace of workspaces) {
    const { name } = JSON.parse(readFileSync(join(repo, workspace, 'package.json'), 'utf8'));
    assert.equal(name, `@fortress/${basename(workspace)}`);
  }
});

test('an addon loads from build/ in a checkout', () => {
  // getpgid(0): this process's group, which /proc/self/stat's fifth field also gives.
  const pgrp = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ')[2]);
  assert.equal(loadAddon<Libc>(core, 'libc').getpgid(0), pgrp);
});

test('prebuilds/PLATFORM-ARCH/ comes before build/', () => {
  // build/ holds garbage: only the prebuild can load.
  const dir = fakePackage('prebuilt', { [`prebuilds/${PLATFORM}/x.node`]: 'libc', 'build/x.node': 'garbage' });
  assert.equal(typeof loadAddon<Libc>(dir, 'x').getpgid, 'function');
});

test('a prebuild that will not load falls back to build/', () => {
  const dir = fakePackage('fallback', { [`prebuilds/${PLATFORM}/x.node`]: 'garbage', 'build/x.node': 'libc' });
  assert.equal(typeof loadAddon<Libc>(dir, 'x').getpgid, 'function');
});

test('a missing addon is one FortressError naming the path, not a loader stack', () => {
  const dir = fakePackage('missing', {});
  assert.throws(
    () => loadAddon(dir, 'x'),
    (err: unknown) =>
      isFortressError(err, ERR_ADDON) &&
      err.message ===
        `unable to load ${dir}build/x.node: file does not exist (nor a prebuilt ${PLATFORM} one: run npm run build)`,
  );
});

test('an addon that will not load says why, with its path once', () => {
  const dir = fakePackage('broken', { 'build/x.node': 'garbage' });
  assert.throws(
    () => loadAddon(dir, 'x'),
    (err: unknown) =>
      isFortressError(err, ERR_ADDON) &&
      err.message.startsWith(`unable to load ${dir}build/x.node: `) &&
      !err.message.includes('\n') &&
      err.message.split(`${dir}build/x.node`).length === 2,
  );
});
