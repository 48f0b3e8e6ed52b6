#!/usr/bin/env node
// npm run bench -- logged-tree
// Issue 19's "logged tree": total private memory (USS: private clean + private dirty, from
// smaps_rollup) of the whole supervision and logging tree (scanner, supervisors, loggers; the
// services themselves excluded) for 1, 10, 20 and 50 services that each have a log/ writing
// `t ./main`: fortress svscan in both modes with our multilog, each a Node process, and with
// multilog-attach, every logger in the one shared log host (counted too, though it runs outside
// svscan's tree); daemontools (svscan, supervise, multilog), runit (runsvdir, runsv, svlogd) and
// s6 (s6-svscan, s6-supervise, s6-log).
// Every service logs one line, so each logger has written before it is measured.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ourProgram, oursEnv, peerEnv, REPO } from './lib/paths.js';
import { treeUss } from './lib/processes.js';
import { makeService, runProgram, startProgram, stopTree } from './lib/tree.js';
import { sleep, until } from './lib/wait.js';

const svscanJs = ourProgram('svscan', 'svscan');
const ourMultilog = ourProgram('multilog', 'multilog');
const attach = join(REPO, 'packages/multilog/bin/multilog-attach');
// This run's own log host, found by its command line (it lives outside svscan's tree).
const HOST_NAME = `bench-loghost-${process.pid}`;
const env = { ...oursEnv, FORTRESS_LOGHOST: HOST_NAME };
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
    name: 'fortress svscan + log host',
    logger: `exec ${attach} t ./main`,
    host: true,
    start: (dir) => startProgram([process.execPath, svscanJs, '-q', dir], { env }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1 + log host',
    logger: `exec ${attach} t ./main`,
    host: true,
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

/** Pids of this run's log hosts. */
function hostPids() {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'latin1').split('\0').includes(HOST_NAME);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** treeUss of several roots (svscan, and the log host outside its tree). */
function treesUss(roots, services) {
  let kib = 0;
  let processes = 0;
  for (const root of roots) {
    const one = treeUss(root, services);
    kib += one.kib;
    processes += one.processes;
  }
  return { kib, processes };
}

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
    return treesUss([child.pid, ...(system.host ? hostPids() : [])], services);
  } finally {
    await stopTree(system, child, scan, root);
    for (const pid of hostPids()) process.kill(pid, 'SIGKILL');
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
console.log('target: 20 logged services within 60 MiB in all (issue 19)');
process.exit(0);
