#!/usr/bin/env node
// npm run bench -- svscan
// 1. Pick-up: time from `ln -s` of a new service directory into the scan directory to its
//    ./run executing, for fortress svscan (per-process and one-process modes), daemontools'
//    svscan, runit's runsvdir and s6-svscan (the latter also with a manual `s6-svscanctl -a`).
// 2. Memory: total USS (private clean + private dirty, from smaps_rollup) of the supervision
//    tree (scanner + supervisors, not the services themselves) with 1, 10 and 50 services.
// PM2 is not installed here and is skipped.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDescriptors } from '@fortress/core/proc';
import { oursEnv as env, ourProgram, peerEnv } from './lib/paths.js';
import { treeUss } from './lib/processes.js';
import { formatMs as fmt, median } from './lib/stats.js';
import { makeService, runProgram, startProgram, stopTree } from './lib/tree.js';
import { sleep, until } from './lib/wait.js';

const svscanJs = ourProgram('svscan', 'svscan');
const piped = { stderr: 'pipe' };

const SYSTEMS = [
  {
    name: 'fortress svscan',
    start: (dir) => startProgram([process.execPath, svscanJs, '-q', dir], { env, ...piped }),
    ready: 'ours',
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1',
    start: (dir) => startProgram([process.execPath, svscanJs, '-q', '-1', dir], { env, ...piped }),
    ready: 'ours',
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'daemontools svscan',
    start: (dir) => startProgram(['/usr/bin/svscan', dir], { env: peerEnv, ...piped }),
    stop: (child, dir) => {
      child.kill('SIGTERM');
      const targets = readdirSync(dir).map((n) => join(dir, n));
      if (targets.length) runProgram(['/usr/bin/svc', '-dx', ...targets]);
    },
  },
  {
    name: 'runit runsvdir',
    start: (dir) => startProgram(['/usr/bin/runsvdir', dir], { env: peerEnv, ...piped }),
    // HUP: TERM to every runsv (which stops its service), then exit.
    stop: (child) => child.kill('SIGHUP'),
  },
  {
    name: 's6-svscan',
    start: (dir) => startProgram(['/usr/bin/s6-svscan', dir], { env: peerEnv, ...piped }),
    stop: (_child, dir) => runProgram(['/usr/bin/s6-svscanctl', '-t', dir]),
  },
  {
    name: 's6-svscan + s6-svscanctl -a',
    start: (dir) => startProgram(['/usr/bin/s6-svscan', dir], { env: peerEnv, ...piped }),
    trigger: (dir) => runProgram(['/usr/bin/s6-svscanctl', '-a', dir]),
    stop: (_child, dir) => runProgram(['/usr/bin/s6-svscanctl', '-t', dir]),
    pickupOnly: true,
  },
];

async function launch(system, scan) {
  const child = system.start(scan);
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
  });
  // Ours says when it is watching; the peers scan at once: give them a moment.
  if (system.ready === 'ours') await until(() => scanning(child.pid), 10_000, 5);
  await sleep(system.ready === 'ours' ? 300 : 1000);
  return { child, stderr: () => err };
}

// Our svscan has an inotify watch once it is ready.
function scanning(pid) {
  return [...(readDescriptors(pid)?.values() ?? [])].includes('anon_inode:inotify');
}

async function pickup(system, trials) {
  const root = mkdtempSync(join(tmpdir(), 'bench-svscan-'));
  const scan = join(root, 'scan');
  mkdirSync(scan);
  const run = await launch(system, scan);
  const times = [];
  try {
    for (let i = 0; i < trials; i++) {
      const dir = join(root, `svc${i}`);
      makeService(dir);
      const started = join(dir, 'started');
      const seen = new Promise((resolve) => {
        const w = watch(dir, () => {
          if (existsSync(started)) {
            w.close();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      symlinkSync(dir, join(scan, `svc${i}`));
      if (system.trigger) system.trigger(scan);
      const t1 = await Promise.race([seen, sleep(20_000).then(() => undefined)]);
      if (t1 === undefined) throw new Error(`${system.name}: service ${i} not started within 20 s`);
      times.push(t1 - t0);
      // New services arrive now and then, not in a burst: let every scanner settle.
      await sleep(1000);
    }
  } finally {
    await stopTree(system, run.child, scan, root);
    rmSync(root, { recursive: true, force: true });
  }
  return times;
}

async function memory(system, n) {
  const root = mkdtempSync(join(tmpdir(), 'bench-svscan-'));
  const scan = join(root, 'scan');
  mkdirSync(scan);
  const dirs = [];
  for (let i = 0; i < n; i++) {
    const dir = join(root, `svc${i}`);
    makeService(dir);
    symlinkSync(dir, join(scan, `svc${i}`));
    dirs.push(dir);
  }
  const run = await launch(system, scan);
  try {
    const ok = await until(() => dirs.every((d) => existsSync(join(d, 'started'))), 120_000, 5);
    if (!ok) throw new Error(`${system.name}: ${n} services did not all start`);
    await sleep(2000);
    const services = new Set(dirs.map((d) => Number(readFileSync(join(d, 'started'), 'utf8'))));
    return treeUss(run.child.pid, services);
  } finally {
    await stopTree(system, run.child, scan, root);
    rmSync(root, { recursive: true, force: true });
  }
}

console.log('### pick-up: ln -s to ./run executing (median, min..max)\n');
const pickups = {};
for (const system of SYSTEMS) {
  const polling = /daemontools|runit|^s6-svscan$/.test(system.name);
  const trials = polling ? 3 : 15;
  try {
    const times = await pickup(system, system.name === 's6-svscan' ? 1 : trials);
    pickups[system.name] = median(times);
    console.log(
      `${system.name.padEnd(30)} median ${fmt(median(times)).padStart(9)}   ${fmt(Math.min(...times))}..${fmt(Math.max(...times))}  (n=${times.length})`,
    );
  } catch (err) {
    console.log(`${system.name.padEnd(30)} ${err.message}`);
  }
}
const ours = pickups['fortress svscan'];
const ours1 = pickups['fortress svscan -1'];
for (const [name, value] of Object.entries(pickups)) {
  if (name.startsWith('fortress')) continue;
  console.log(
    `ratio ${name} / fortress svscan: ${(value / ours).toFixed(1)}x; / fortress svscan -1: ${(value / ours1).toFixed(1)}x`,
  );
}
console.log('targets: per-process <= 100 ms, one-process <= 20 ms\n');

console.log('### memory: total USS of the supervision tree (services excluded)\n');
console.log('PM2: not installed here; skipped.');
for (const system of SYSTEMS.filter((s) => !s.pickupOnly)) {
  const row = [];
  for (const n of [1, 10, 50]) {
    try {
      const { kib, processes } = await memory(system, n);
      row.push(`${String(n).padStart(2)}: ${(kib / 1024).toFixed(1).padStart(6)} MiB (${processes} proc)`);
    } catch (err) {
      row.push(`${n}: ${err.message}`);
    }
  }
  console.log(`${system.name.padEnd(30)} ${row.join('   ')}`);
}
console.log('target: one-process mode <= 60 MiB for 50 services');
process.exit(0);
