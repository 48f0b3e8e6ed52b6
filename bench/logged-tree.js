#!/usr/bin/env node
// npm run bench -- logged-tree
// Issue 19's "logged tree": total private memory (USS: private clean + private dirty, from
// smaps_rollup) of the whole supervision and logging tree (scanner, supervisors, loggers; the
// services themselves excluded) for 1, 10, 20 and 50 services that each have a log/ writing
// `t ./main`: fortress svscan in both modes with our multilog, daemontools (svscan, supervise,
// multilog), runit (runsvdir, runsv, svlogd) and s6 (s6-svscan, s6-supervise, s6-log).
// Every service logs one line, so each logger has written before it is measured.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oursEnv as env, ourProgram, peerEnv } from './lib/paths.js';
import { treeUss } from './lib/processes.js';
import { makeService, runProgram, startProgram, stopTree } from './lib/tree.js';
import { sleep, until } from './lib/wait.js';

const svscanJs = ourProgram('svscan', 'svscan');
const ourMultilog = ourProgram('multilog', 'multilog');
const COUNTS = (process.env.BENCH_LOGGED ?? '1,10,20,50').split(',').map(Number);
// BENCH_SYSTEMS=daemontools,s6 measures only the systems whose names contain one of these words.
const ONLY = process.env.BENCH_SYSTEMS?.split(',');

const SYSTEMS = [
  {
    name: 'fortress svscan + multilog',
    logger: `exec ${process.execPath} ${ourMultilog} t ./main`,
    start: (dir) => startProgram([process.execPath, svscanJs, '-q', dir], { env }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1 + multilog',
    logger: `exec ${process.execPath} ${ourMultilog} t ./main`,
    start: (dir) => startProgram([process.execPath, svscanJs, '-q', '-1', dir], { env }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'daemontools (multilog)',
    logger: 'exec /usr/bin/multilog t ./main',
    bin: '/usr/bin/svscan',
    start: (dir) => startProgram(['/usr/bin/svscan', dir], { env: peerEnv }),
    stop: (child, dir) => {
      child.kill('SIGTERM');
      const targets = readdirSync(dir).flatMap((n) => [join(dir, n), join(dir, n, 'log')]);
      if (targets.length) runProgram(['/usr/bin/svc', '-dx', ...targets]);
    },
  },
  {
    name: 'runit (svlogd)',
    logger: 'exec /usr/bin/svlogd -t ./main',
    bin: '/usr/bin/runsvdir',
    start: (dir) => startProgram(['/usr/bin/runsvdir', dir], { env: peerEnv }),
    stop: (child) => child.kill('SIGHUP'),
  },
  {
    name: 's6 (s6-log)',
    logger: 'exec /usr/bin/s6-log t ./main',
    bin: '/usr/bin/s6-svscan',
    start: (dir) => startProgram(['/usr/bin/s6-svscan', dir], { env: peerEnv }),
    stop: (_child, dir) => runProgram(['/usr/bin/s6-svscanctl', '-t', dir]),
  },
];

function logged(dir) {
  try {
    return readFileSync(join(dir, 'log', 'main', 'current'), 'latin1').includes('started');
  } catch {
    return false;
  }
}

async function measure(system, n) {
  const root = mkdtempSync(join(tmpdir(), 'bench-logged-'));
  const scan = join(root, 'scan');
  mkdirSync(scan);
  const dirs = [];
  for (let i = 0; i < n; i++) {
    const dir = join(root, `svc${i}`);
    makeService(dir, { logger: system.logger, runLines: ['echo $$ > started', 'echo started'] });
    symlinkSync(dir, join(scan, `svc${i}`));
    dirs.push(dir);
  }
  const child = system.start(scan);
  try {
    if (!(await until(() => dirs.every(logged), 180_000))) throw new Error(`not every logger wrote within 180 s`);
    await sleep(2000);
    const services = new Set(dirs.map((d) => Number(readFileSync(join(d, 'started'), 'latin1'))));
    return treeUss(child.pid, services);
  } finally {
    await stopTree(system, child, scan, root);
    rmSync(root, { recursive: true, force: true });
  }
}

console.log('### logged tree: total USS of scanner, supervisors and loggers (services excluded)\n');
console.log('PM2: not installed here; skipped.');
for (const system of SYSTEMS.filter((s) => !ONLY || ONLY.some((word) => s.name.includes(word)))) {
  if (system.bin && !existsSync(system.bin)) {
    console.log(`${system.name.padEnd(32)} not installed`);
    continue;
  }
  const row = [];
  for (const n of COUNTS) {
    try {
      const { kib, processes } = await measure(system, n);
      row.push(`${String(n).padStart(2)}: ${(kib / 1024).toFixed(1).padStart(6)} MiB (${processes} proc)`);
    } catch (err) {
      row.push(`${n}: ${err.message}`);
    }
  }
  console.log(`${system.name.padEnd(32)} ${row.join('   ')}`);
}
console.log('target: 20 logged services within 60 MiB in all');
process.exit(0);
