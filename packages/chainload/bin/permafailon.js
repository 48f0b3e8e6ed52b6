#!/usr/bin/env node
// The permafailon program (src/bin/permafailon.ts), from its one-file bundle (scripts/bundle.js) when built,
// from the compiled modules otherwise. fortress needs Node 24, which npm puts first on PATH.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `permafailon: fatal: Node ${process.version} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\n`,
  );
  process.exit(100);
}
const bundle = new URL('../dist/bundle/permafailon.js', import.meta.url);
const { main } = await import(
  process.getBuiltinModule('node:fs').existsSync(bundle) ? bundle : '../dist/bin/permafailon.js'
);
process.exitCode = await main(process.argv.slice(2), process.env);
