#!/usr/bin/env node
// `npm run pack [-- DIR]`: one installable tarball per workspace package in DIR (default
// dist-pack/), after `npm run build`, with its addons prebuilt for this machine's platform
// (linux-x64, glibc) as prebuilds/PLATFORM-ARCH/NAME.node, where core's loadAddon looks first:
// `npm install DIR/*.tgz` then needs no C compiler (README, "Install without a compiler").
// Each package is staged in a scratch copy, so the checkout never gets a prebuilds/ directory
// that would shadow its own fresh build/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const PLATFORM = `${process.platform}-${process.arch}`;

/** Stages package `pkgDir` in `stage` as it is to be packed: its files, build/ moved to prebuilds/. */
function stagePackage(pkgDir, stage) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const files = (manifest.files ?? []).filter((f) => f !== 'build');
  for (const entry of [...files, 'README.md']) {
    if (existsSync(join(pkgDir, entry))) cpSync(join(pkgDir, entry), join(stage, entry), { recursive: true });
  }
  const build = join(pkgDir, 'build');
  // Addons (NAME.node) and small C programs (native-bin/NAME.c -> build/NAME) alike.
  const addons = existsSync(build) ? readdirSync(build).filter((f) => f.endsWith('.node') || !f.includes('.')) : [];
  if (existsSync(join(pkgDir, 'native')) && addons.length === 0) {
    throw new Error(`${basename(pkgDir)} has native/ but no build/*.node: run npm run build`);
  }
  if (addons.length > 0) {
    mkdirSync(join(stage, 'prebuilds', PLATFORM), { recursive: true });
    for (const addon of addons) cpSync(join(build, addon), join(stage, 'prebuilds', PLATFORM, addon));
    files.push('prebuilds');
  }
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ ...manifest, files }, null, 2)}\n`);
}

/** Packs every workspace package into `outDir`; returns the tarballs' paths. */
export function packAll(outDir) {
  if (PLATFORM !== 'linux-x64') throw new Error(`prebuilds are made for linux-x64 only, not ${PLATFORM}`);
  // Every workspace package but those marked `"fortress": {"pack": false}` (the tests' helpers).
  const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.filter(
    (workspace) => JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')).fortress?.pack !== false,
  );
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'fortress-pack-'));
  try {
    const stages = workspaces.map((workspace) => {
      const stage = join(scratch, basename(workspace));
      mkdirSync(stage);
      stagePackage(join(root, workspace), stage);
      return stage;
    });
    // One npm for all: each npm start costs about a second.
    const run = spawnSync('npm', ['pack', '--json', '--pack-destination', outDir, ...stages], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (run.status !== 0) throw new Error(`npm pack failed (${run.error?.message ?? `exit ${run.status}`})`);
    return JSON.parse(run.stdout).map((p) => join(outDir, p.filename));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    for (const tarball of packAll(resolve(process.argv[2] ?? join(root, 'dist-pack')))) console.log(`pack: ${tarball}`);
  } catch (err) {
    console.error(`pack: fatal: ${err.message}`);
    process.exit(111);
  }
}
