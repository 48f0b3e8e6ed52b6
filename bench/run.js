#!/usr/bin/env node
// `npm run bench -- NAME...` runs bench/NAME.js for each NAME (all of them when none is given).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url).pathname;
const available = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('lib-'))
  .map((f) => f.slice(0, -3));
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`bench: no benchmark ${name}; have: ${available.join(' ')}`);
    process.exit(100);
  }
}
let failed = 0;
for (const name of wanted.length ? wanted : available) {
  console.log(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, [`${here}${name}.js`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
