#!/usr/bin/env node
// The svscanboot program (src/bin/svscanboot.ts).
// Generated from the template in scripts/shims.js: edit that and run it, never this file.
// fortress needs Node 24, which npm puts first on PATH. Builtins through getBuiltinModule: an ES
// import of a builtin builds its whole namespace.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `svscanboot: fatal: Node ${process.version} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\n`,
  );
  process.exit(100);
}
process.getBuiltinModule('node:module').enableCompileCache?.();
let main;
try {
  ({ main } = await import('../dist/bin/svscanboot.js'));
} catch (err) {
  // Not a stack trace, even when the program cannot be loaded (a missing build, a bad install);
  // an addon that will not load (core's addon.ts) says so in djb's shape.
  const message = String(err?.message ?? err).split('\n')[0];
  const text = err?.code === 'ERR_ADDON' ? message : `internal error: ${message}`;
  process.getBuiltinModule('node:fs').writeSync(2, `svscanboot: fatal: ${text}\n`);
  process.exit(111);
}
process.exitCode = await main(process.argv.slice(2), process.env);
