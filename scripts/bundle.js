#!/usr/bin/env node
// One-file bundles of the programs whose start-up or memory counts, after tsc: a package lists
// them in its package.json as "fortress": { "bundle": [NAME...], "external": [PACKAGE...] },
// and gets packages/P/dist/bundle/NAME.js from dist/bin/NAME.js with every module it imports
// (core's included). Node's ES module loader costs time and memory per module: one file starts
// several ms sooner (chain loaders) and holds about 1 MiB less (supervise). The TypeScript
// modules stay the source; bin shims fall back to dist/bin/ without a (fresh) bundle. Addons need
// nothing here: core's loadAddon finds them from the package a bundle resolves (addon.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

// `import { readFileSync } from 'node:fs'` makes Node build the builtin's whole ES namespace
// (fs/promises, streams: about 0.4 MiB and several ms); the bundle takes builtins from
// process.getBuiltinModule instead.
const builtins = {
  name: 'builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, ({ path }) => ({ path, namespace: 'builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};

/** What a package asks to bundle ({ bundle: [], external: [] }), from its package.json. */
export function bundleConfig(pkgDir) {
  const config = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).fortress ?? {};
  return { programs: config.bundle ?? [], external: config.external ?? [] };
}

/** Bundles a package's programs; with write false, returns their text by path instead. */
export async function bundlePackage(pkgDir, write = true) {
  const { build } = await import('esbuild');
  const { programs, external } = bundleConfig(pkgDir);
  const outdir = join(pkgDir, 'dist/bundle');
  const result = await build({
    entryPoints: programs.map((name) => ({ in: join(pkgDir, 'dist/bin', `${name}.js`), out: name })),
    outdir,
    // Path comments in a bundle relative to its package, whatever the caller's directory.
    absWorkingDir: pkgDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    external,
    plugins: [builtins],
    logLevel: write ? 'warning' : 'silent',
    write,
  });
  if (result.errors.length > 0 || result.warnings.length > 0) throw new Error('bundle: esbuild reported problems');
  return new Map((result.outputFiles ?? []).map((f) => [f.path, f.text]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', name);
    const { programs } = bundleConfig(pkgDir);
    if (programs.length === 0) continue;
    await bundlePackage(pkgDir);
    console.log(`bundle: packages/${name}/dist/bundle/{${programs.join(',')}}.js`);
  }
}
