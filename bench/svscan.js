#!/usr/bin/env node
// npm run bench -- svscan
// 1. Pick-up: time from `ln -s` of a new service directory into the scan directory to its
//    ./run executing, for fortress svscan (per-process and one-process modes), daemontools'
//    svscan, runit's runsvdir and s6-svscan (the latter also with a manual `s6-svscanctl -a`).
// 2. Memory: total USS (private clean + private dirty, from smaps_rollup) of the supervision
//    tree (scanner + supervisors, not the services themselves) with 1, 10 and 50 services.
// PM2 is not installed here and is skipped.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const svscanJs = join(repo, 'packages/svscan/bin/svscan.js');
const env = { ...process.env, PATH: `${repo}node_modules/.bin:${process.env.PATH}` };
// The peers must find Debian's supervise, not ours.
const peerEnv = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SYSTEMS = [
  {
    name: 'fortress svscan',
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', dir], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
    ready: 'ours',
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1',
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', '-1', dir], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
    ready: 'ours',
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'daemontools svscan',
    start: (dir) => spawn('/usr/bin/svscan', [dir], { env: peerEnv, stdio: ['ignore', 'ignore', 'pipe'] }),
    stop: (child, dir) => {
      child.kill('SIGTERM');
      const targets = readdirSync(dir).map((n) => join(dir, n));
      if (targets.length) spawnSync('/usr/bin/svc', ['-dx', ...targets]);
    },
  },
  {
    name: 'runit runsvdir',
    start: (dir) => spawn('/usr/bin/runsvdir', [dir], { env: peerEnv, stdio: ['ignore', 'ignore', 'pipe'] }),
    // HUP: TERM to every runsv (which stops its service), then exit.
    stop: (child) => child.kill('SIGHUP'),
  },
  {
    name: 's6-svscan',
    start: (dir) => spawn('/usr/bin/s6-svscan', [dir], { env: peerEnv, stdio: ['ignore', 'ignore', 'pipe'] }),
    stop: (_child, dir) => spawnSync('/usr/bin/s6-svscanctl', ['-t', dir]),
  },
  {
    name: 's6-svscan + s6-svscanctl -a',
    start: (dir) => spawn('/usr/bin/s6-svscan', [dir], { env: peerEnv, stdio: ['ignore', 'ignore', 'pipe'] }),
    trigger: (dir) => spawnSync('/usr/bin/s6-svscanctl', ['-a', dir]),
    stop: (_child, dir) => spawnSync('/usr/bin/s6-svscanctl', ['-t', dir]),
    pickupOnly: true,
  },
];

function makeService(dir) {
  mkdirSync(dir, { recursive: true });
  // `echo` is a shell builtin: no fork between ./run starting and the mark.
  writeFileSync(join(dir, 'run'), '#!/bin/sh\necho $$ > started\nexec sleep 100000\n');
  chmodSync(join(dir, 'run'), 0o755);
}

function processesUnder(root) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === root || cwd.startsWith(`${root}/`)) out.push(Number(name));
    } catch {}
  }
  return out;
}

function parentMap() {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {}
  }
  return children;
}

function uss(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    let kb = 0;
    for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kb += Number(m[1]);
    return kb;
  } catch {
    return 0;
  }
}

/** USS of pid and its descendants, minus the services (pids in `exclude`), in KiB. */
function treeUss(root, exclude) {
  const children = parentMap();
  let total = 0;
  let count = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    if (!exclude.has(pid)) {
      total += uss(pid);
      count++;
    }
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return { kib: total, processes: count };
}

async function waitFor(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (probe()) return true;
    await sleep(5);
  }
  return false;
}

async function launch(system, scan) {
  const child = system.start(scan);
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err += d;
  });
  // Ours says when it is watching; the peers scan at once: give them a moment.
  if (system.ready === 'ours')
    await waitFor(() => existsSync(`/proc/${child.pid}`) && scanning(child.pid, scan), 10_000);
  await sleep(system.ready === 'ours' ? 300 : 1000);
  return { child, stderr: () => err };
}

// Our svscan has an inotify watch once it is ready.
function scanning(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:inotify';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

async function shutdown(system, run, scan, root) {
  const exited = new Promise((r) => run.child.on('exit', r));
  system.stop(run.child, scan);
  await Promise.race([exited, sleep(15_000)]);
  for (let i = 0; i < 50; i++) {
    const left = processesUnder(root);
    if (left.length === 0) break;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await sleep(50);
  }
  if (run.child.exitCode === null) run.child.kill('SIGKILL');
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
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
    await shutdown(system, run, scan, root);
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
    const ok = await waitFor(() => dirs.every((d) => existsSync(join(d, 'started'))), 120_000);
    if (!ok) throw new Error(`${system.name}: ${n} services did not all start`);
    await sleep(2000);
    const services = new Set(dirs.map((d) => Number(readFileSync(join(d, 'started'), 'utf8'))));
    return treeUss(run.child.pid, services);
  } finally {
    await shutdown(system, run, scan, root);
    rmSync(root, { recursive: true, force: true });
  }
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

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
