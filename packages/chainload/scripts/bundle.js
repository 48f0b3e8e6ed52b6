#!/usr/bin/env node
// Bundles each chain loader into one ES module, dist/bundle/NAME.js, from the modules tsc compiled
// into dist/ (and core's): one file for Node to resolve, read and compile instead of a dozen
// saves several milliseconds of every start (README, notes: start-up). The bin shims load the
// bundle when there is one, dist/bin/NAME.js otherwise. The TypeScript modules stay the source;
// run this after tsc (`npm run build` does both).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = new URL('..', import.meta.url).pathname;
const outdir = join(pkg, 'dist/bundle');
const programs = Object.keys(JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).bin);

// Addons are loaded relative to the module that loads them, in its package's dist/; from a bundle
// in dist/bundle/ the path must be relative to the bundle. Core's createRequire also becomes
// process.dlopen, which skips setting up the CommonJS loader (about 1.3 ms). A module these
// rewrites no longer match fails the build, so that a change there is noticed.
const REWRITES = [
  {
    module: /[\\/]core[\\/]dist[\\/]libc\.js$/,
    from: "createRequire(import.meta.url)('../build/libc.node')",
    to: (addon) => `((m) => (process.dlopen(m, \`\${import.meta.dirname}/${addon}\`), m.exports))({ exports: {} })`,
    addon: '../build/libc.node',
  },
  {
    module: /[\\/]chainload[\\/]dist[\\/]execve\.js$/,
    from: "const ADDON = '../build/exec.node';",
    to: (addon) => `const ADDON = '${addon}';`,
    addon: '../build/exec.node',
  },
];
const addonPaths = {
  name: 'addon-paths',
  setup(b) {
    for (const { module, from, to, addon } of REWRITES) {
      b.onLoad({ filter: module }, ({ path }) => {
        const source = readFileSync(path, 'utf8');
        if (!source.includes(from)) throw new Error(`${path}: no ${from} to rewrite; update scripts/bundle.js`);
        return { contents: source.replace(from, to(relative(outdir, join(dirname(path), addon)))), loader: 'js' };
      });
    }
  },
};

/** Builds every bundle; with write false, returns their text by path instead of writing them. */
export async function bundle(write = true) {
  const result = await build({
    entryPoints: programs.map((name) => ({ in: join(pkg, 'dist/bin', `${name}.js`), out: name })),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    plugins: [addonPaths],
    logLevel: write ? 'warning' : 'silent',
    write,
  });
  if (result.errors.length > 0 || result.warnings.length > 0) throw new Error('bundle: esbuild reported problems');
  return new Map((result.outputFiles ?? []).map((f) => [f.path, f.text]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle();
  console.log(`bundle: ${programs.map((name) => relative(process.cwd(), join(outdir, `${name}.js`))).join(' ')}`);
}
