#!/usr/bin/env node
// Bundles the supervise program into one ES module, dist/bundle/supervise.js, from what tsc
// compiled into dist/ (and core's dist/). Node's ES module loader costs memory per module
// (resolution, package.json lookups, module records): one file instead of about twenty saves
// about 1.3 MiB of private memory in every supervise process (README, "Memory and speed").
// bin/supervise.js loads the bundle when it exists, dist/bin/supervise.js otherwise; the
// TypeScript modules stay the source. Run after tsc.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const pkg = new URL('..', import.meta.url).pathname;
const outdir = join(pkg, 'dist/bundle');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('supervise bundle: esbuild is not installed; bin/supervise.js keeps loading dist/bin/supervise.js');
  process.exit(0);
}

// Addons are loaded relative to the module that loads them (`../build/NAME.node` from a dist/
// directory). In the bundle the path must be relative to the bundle, and process.dlopen
// replaces createRequire, whose CommonJS loader set-up the bundle then never needs.
const ADDON_LOAD = /createRequire\(import\.meta\.url\)\('(\.\.\/build\/[\w-]+\.node)'\)/g;
const addonPaths = {
  name: 'addon-paths',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/][\w-]+\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      if (source.search(ADDON_LOAD) < 0) return undefined;
      const contents = source.replace(ADDON_LOAD, (_, file) => {
        const addon = relative(outdir, join(dirname(path), file));
        return `((m) => (process.dlopen(m, \`\${import.meta.dirname}/${addon}\`), m.exports))({ exports: {} })`;
      });
      return { contents, loader: 'js' };
    });
  },
};

// `import { readFileSync } from 'node:fs'` makes Node build the builtin's whole ES namespace,
// which loads fs/promises, streams and readline (about 0.4 MiB); the bundle takes builtins from
// process.getBuiltinModule instead, as the TypeScript modules of this package do.
const builtins = {
  name: 'builtins',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, ({ path }) => ({ path, namespace: 'builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(path)});`,
      loader: 'js',
    }));
  },
};

await esbuild.build({
  entryPoints: [{ in: join(pkg, 'dist/bin/supervise.js'), out: 'supervise' }],
  outdir,
  // Path comments in the bundle relative to the package, whatever the caller's directory.
  absWorkingDir: pkg,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Only `svc -d` with a timeout-kill ever needs it: stays a separate, lazily imported package.
  external: ['tree-kill'],
  plugins: [addonPaths, builtins],
  logLevel: 'warning',
});
console.log('supervise bundle: dist/bundle/supervise.js');
