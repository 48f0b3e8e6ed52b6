#!/usr/bin/env -S node --max-semi-space-size=8
// The dnscache program (src/bin/dnscache.ts); fortress needs Node 24, which npm puts first on PATH.
// V8's young generation is capped at 8 MiB per semi-space (the default, 32, made it 64 MiB of
// the resident memory for no measurable speed; README, Performance).
import * as nodeModule from 'node:module';

if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `dnscache: fatal: Node ${process.version} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\n`,
  );
  process.exit(100);
}
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/bin/dnscache.js');
process.exitCode = await main(process.argv.slice(2), process.env);
