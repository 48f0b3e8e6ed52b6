#!/usr/bin/env node
// npm run bench -- init
// A container's PID 1, each in a fresh PID namespace (unshare --pid --fork --mount-proc, root):
// fortress init, s6-svscan as PID 1, and tini in front of fortress svscan -1.
// 1. Memory: total USS (private clean + private dirty, from smaps_rollup) of the init tree
//    (PID 1 and its supervisors, not the services) with 1, 10 and 50 services.
// 2. Stop: time from SIGTERM to PID 1 to the namespace being gone, with 20 services.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (process.getuid() !== 0) {
  console.log('init: needs root (unshare --pid); skipped');
  process.exit(0);
}
const repo = new URL('..', import.meta.url).pathname;
const fortressJs = join(repo, 'packages/fortress/bin/fortress.js');
const svscanJs = join(repo, 'packages/svscan/bin/svscan.js');
const env = { ...process.env, PATH: `${repo}node_modules/.bin:/usr/sbin:/usr/bin:/sbin:/bin` };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SYSTEMS = [
  { name: 'fortress init', argv: (dir) => [process.execPath, fortressJs, 'init', '-q', dir] },
  { name: 's6-svscan as PID 1', argv: (dir) => ['/usr/bin/s6-svscan', dir] },
  { name: 'tini -- svscan -1', argv: (dir) => ['/usr/bin/tini', '--', process.execPath, svscanJs, '-q', '-1', dir] },
];

function makeServices(root, n) {
  const scan = join(root, 'scan');
  mkdirSync(scan);
  for (let i = 0; i < n; i++) {
    const dir = join(scan, `svc${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'run'), '#!/bin/sh\ntouch started\nexec sleep 100000\n');
    chmodSync(join(dir, 'run'), 0o755);
  }
  return scan;
}

function stats() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.push({ pid: Number(name), ppid, comm });
    } catch {}
  }
  return out;
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

/** USS of PID 1 of the namespace (the child of unshare) and its descendants but the services. */
function treeUss(unsharePid) {
  const all = stats();
  let total = 0;
  let count = 0;
  const stack = all.filter((s) => s.ppid === unsharePid);
  while (stack.length) {
    const p = stack.pop();
    if (p.comm !== 'sleep') {
      total += uss(p.pid);
      count++;
    }
    for (const c of all) if (c.ppid === p.pid) stack.push(c);
  }
  return { kib: total, processes: count };
}

async function waitUntil(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (probe()) return true;
    await sleep(10);
  }
  return false;
}

async function withTree(system, n, body) {
  const root = mkdtempSync(join(tmpdir(), 'bench-init-'));
  const scan = makeServices(root, n);
  const child = spawn('/usr/bin/unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...system.argv(scan)], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'],
    detached: true,
  });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    const all = () =>
      readdirSync(scan)
        .filter((s) => !s.startsWith('.'))
        .every((s) => existsSync(join(scan, s, 'started')));
    if (!(await waitUntil(all, 120_000))) throw new Error(`${n} services did not all start`);
    await sleep(2000);
    return await body(child, exited);
  } finally {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    rmSync(root, { recursive: true, force: true });
  }
}

async function stopTime(system) {
  return withTree(system, 20, async (child, exited) => {
    const pid1 = stats().find((s) => s.ppid === child.pid).pid;
    const t0 = performance.now();
    process.kill(pid1, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(40_000).then(() => false)]);
    return done ? performance.now() - t0 : undefined;
  });
}

console.log('### memory: total USS of the init tree (services excluded)\n');
for (const system of SYSTEMS) {
  const row = [];
  for (const n of [1, 10, 50]) {
    try {
      const { kib, processes } = await withTree(system, n, async (child) => treeUss(child.pid));
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
  const ok = times.filter((t) => t !== undefined).sort((a, b) => a - b);
  const median = ok.length === 3 ? `median ${ok[1].toFixed(0)} ms` : '';
  console.log(`${system.name.padEnd(22)} ${median.padEnd(16)} (${text.join(', ')})`);
}
process.exit(0);
