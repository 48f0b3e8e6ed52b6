#!/usr/bin/env node
// The multilog-host program (src/bin/multilog-host.ts), from its one-file bundle when built and fresh,
// from the compiled modules otherwise.
// Generated from the template in scripts/shims.js: edit that and run it, never this file.
// fortress needs Node 24, which npm puts first on PATH. Builtins through getBuiltinModule: an ES
// import of a builtin builds its whole namespace.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `multilog-host: fatal: Node ${process.version} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\n`,
  );
  process.exit(100);
}
process.getBuiltinModule('node:module').enableCompileCache?.();
let main;
try {
  ({ main } = await import(bundleIfFresh() ?? '../dist/bin/multilog-host.js'));
} catch (err) {
  // Not a stack trace, even when the program cannot be loaded (a missing build, a bad install);
  // an addon that will not load (core's addon.ts) says so in djb's shape.
  const message = String(err?.message ?? err).split('\n')[0];
  const text = err?.code === 'ERR_ADDON' ? message : `internal error: ${message}`;
  process.getBuiltinModule('node:fs').writeSync(2, `multilog-host: fatal: ${text}\n`);
  process.exit(111);
}
process.exitCode = await main(process.argv.slice(2), process.env);

// The bundle, unless tsc has compiled this package or core since it was made (tsc -b rewrites a
// project's .tsbuildinfo whenever it emits): a stale bundle must never run.
function bundleIfFresh() {
  const { statSync } = process.getBuiltinModule('node:fs');
  const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  const made = mtime('../dist/bundle/multilog-host.js');
  if (made === undefined) return undefined;
  const compiled = [mtime('../dist/.tsbuildinfo'), mtime('../../core/dist/.tsbuildinfo')];
  if (compiled.some((t) => t !== undefined && t > made)) return undefined;
  return new URL('../dist/bundle/multilog-host.js', import.meta.url);
}
