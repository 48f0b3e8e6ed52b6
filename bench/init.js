#!/usr/bin/env node
// npm run bench -- init
// A container's PID 1, each in a fresh PID namespace (unshare --pid --fork --mount-proc, root):
// fortress init, s6-svscan as PID 1, and tini in front of fortress svscan -1.
// 1. Memory: total USS (private clean + private dirty, from smaps_rollup) of the init tree
//    (PID 1 and its supervisors, not the services) with 1, 10 and 50 services. The node binary's
//    pages this benchmark (a Node process, execa loaded) has in memory too count as shared: about
//    7 MiB of a Node PID 1's Private_Clean; Private_Dirty is the same either way.
// 2. Stop: time from SIGTERM to PID 1 to the namespace being gone, with 20 services.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendantsOf, readStat } from '@fortress/core/proc';
import { BIN, ourProgram, peerEnv } from './lib/paths.js';
import { treeUss } from './lib/processes.js';
import { median } from './lib/stats.js';
import { makeService, startProgram } from './lib/tree.js';
import { sleep, until } from './lib/wait.js';

if (process.getuid() !== 0) {
  console.log('init: needs root (unshare --pid); skipped');
  process.exit(0);
}
const fortressJs = ourProgram('fortress', 'fortress');
const svscanJs = ourProgram('svscan', 'svscan');
const env = { ...process.env, PATH: `${BIN}:${peerEnv.PATH}` };

const SYSTEMS = [
  { name: 'fortress init', argv: (dir) => [process.execPath, fortressJs, 'init', '-q', dir] },
  { name: 's6-svscan as PID 1', argv: (dir) => ['/usr/bin/s6-svscan', dir] },
  { name: 'tini -- svscan -1', argv: (dir) => ['/usr/bin/tini', '--', process.execPath, svscanJs, '-q', '-1', dir] },
];

function makeServices(root, n) {
  const scan = join(root, 'scan');
  mkdirSync(scan);
  for (let i = 0; i < n; i++) makeService(join(scan, `svc${i}`));
  return scan;
}

/** PID 1 of the namespace: the child of unshare. */
const pid1Of = (unsharePid) => descendantsOf(unsharePid)[0].pid;

/** USS of PID 1 of the namespace and its descendants but the services (the sleeps). */
function initTreeUss(unsharePid) {
  const pid1 = pid1Of(unsharePid);
  const services = descendantsOf(pid1).filter((p) => readStat(p.pid)?.comm === 'sleep');
  return treeUss(pid1, new Set(services.map((p) => p.pid)));
}

async function withTree(system, n, body) {
  const root = mkdtempSync(join(tmpdir(), 'bench-init-'));
  const scan = makeServices(root, n);
  const argv = ['/usr/bin/unshare', '--pid', '--fork', '--mount-proc', '--kill-child', ...system.argv(scan)];
  const child = startProgram(argv, { env, detached: true });
  try {
    const all = () =>
      readdirSync(scan)
        .filter((s) => !s.startsWith('.'))
        .every((s) => existsSync(join(scan, s, 'started')));
    if (!(await until(all, 120_000, 10))) throw new Error(`${n} services did not all start`);
    await sleep(2000);
    return await body(child);
  } finally {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    rmSync(root, { recursive: true, force: true });
  }
}

async function stopTime(system) {
  return withTree(system, 20, async (child) => {
    const t0 = process.hrtime.bigint();
    process.kill(pid1Of(child.pid), 'SIGTERM');
    const done = await Promise.race([child.exited.then(() => true), sleep(40_000).then(() => false)]);
    return done ? Number(child.endedAt - t0) / 1e6 : undefined;
  });
}

console.log('### memory: total USS of the init tree (services excluded)\n');
for (const system of SYSTEMS) {
  const row = [];
  for (const n of [1, 10, 50]) {
    try {
      const { kib, processes } = await withTree(system, n, async (child) => initTreeUss(child.pid));
      row.push(`${String(n).padStart(2)}: ${(kib / 1024).toFixed(1).padStart(6)} MiB (${processes} proc)`);
    } catch (err) {
      row.push(`${n}: ${err.message}`);
    }
  }
  console.log(`${system.name.padEnd(22)} ${row.join('   ')}`);
}
console.log('\n### stop: SIGTERM to PID 1 until the namespace is gone, 20 services (median of 3)\n');
for (const system of SYSTEMS) {
  const times = [];
  for (let i = 0; i < 3; i++) times.push(await stopTime(system));
  const text = times.map((t) => (t === undefined ? 'no exit in 40 s' : `${t.toFixed(0)} ms`));
  const ok = times.filter((t) => t !== undefined);
  const middle = ok.length === 3 ? `median ${median(ok).toFixed(0)} ms` : '';
  console.log(`${system.name.padEnd(22)} ${middle.padEnd(16)} (${text.join(', ')})`);
}
process.exit(0);
