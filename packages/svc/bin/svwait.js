#!/usr/bin/env node
// The svwait program (src/bin/svwait.ts); fortress needs Node 24, which npm puts first on PATH.
import * as nodeModule from 'node:module';

if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `svwait: fatal: Node ${process.version} is too old: fortress needs Node 24 (put node_modules/.bin first on PATH)\n`,
  );
  process.exit(100);
}
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/bin/svwait.js');
process.exitCode = await main(process.argv.slice(2), process.env);
