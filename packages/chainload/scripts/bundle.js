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

// Addons are loaded relative to the module that loads them, in its package's dist/; in a bundle
// in dist/bundle/ the path must be relative to the bundle, so the path literal is rewritten (a
// module that no longer names it fails the build, so that the change is noticed). A
// createRequire(import.meta.url)(...) of an addon also becomes process.dlopen, which skips
// setting up the CommonJS loader (about 1.3 ms).
const ADDONS = [
  { module: /[\\/]core[\\/]dist[\\/]libc\.js$/, addon: '../build/libc.node' },
  { module: /[\\/]chainload[\\/]dist[\\/]execve\.js$/, addon: '../build/exec.node' },
];
const CREATE_REQUIRE = /createRequire\(import\.meta\.url\)\(('[^']+\.node')\)/g;
const DLOPEN = "((m) => (process.dlopen(m, import.meta.dirname + '/' + $1), m.exports))({ exports: {} })";
const addonPaths = {
  name: 'addon-paths',
  setup(b) {
    for (const { module, addon } of ADDONS) {
      b.onLoad({ filter: module }, ({ path }) => {
        const source = readFileSync(path, 'utf8');
        const literal = `'${addon}'`;
        if (!source.includes(literal)) throw new Error(`${path}: no ${literal} to rewrite; update scripts/bundle.js`);
        const fromBundle = `'${relative(outdir, join(dirname(path), addon))}'`;
        const contents = source.replaceAll(literal, fromBundle).replace(CREATE_REQUIRE, DLOPEN);
        return { contents, loader: 'js' };
      });
    }
  },
};

/** Builds every bundle; with write false, returns their text by path instead of writing them. */
export async function bundle(write = true) {
  const result = await build({
    entryPoints: programs.map((name) => ({ in: join(pkg, 'dist/bin', `${name}.js`), out: name })),
    outdir,
    // Paths in the bundle's comments are relative to this: the same bundle whatever the caller's cwd.
    absWorkingDir: pkg,
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
