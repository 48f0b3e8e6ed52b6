#!/usr/bin/env node
// npm run bench -- needs
// A tree of 50 services, five levels of ten; each service of levels 2 to 5 needs two of the
// level below it. Measured, for each system, over a few runs (median):
//   start: from the supervision tree's start to the last ./run of the tree executing (every
//          need satisfied: a service is up once its ./run runs, none uses readiness here);
//   stop:  from the stop signal to no process of the tree left.
// Systems: fortress svscan (per-process supervise, the default) and `svscan -1` with needs/
// directories; Debian's runit (runsvdir) with the hand-written equivalent, each ./run starting
// with `sv start NEED... || exit 1` (runsv restarts it a second later when a need is not up yet
// within sv's wait). runsvdir's stop (SIGHUP) is not ordered: every service gets its TERM at
// once, where fortress's stop takes each level down after the one above it. The same tree
// without needs/ under fortress shows what the ordering itself costs.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const svscanJs = join(repo, 'packages/svscan/bin/svscan.js');
const env = { ...process.env, PATH: `${repo}node_modules/.bin:${process.env.PATH}` };
const peerEnv = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const LEVELS = 5;
const WIDTH = 10;
const RUNS = Number(process.env.BENCH_RUNS || 3);

const name = (level, i) => `l${level}s${i}`;
const needsOf = (level, i) => (level === 0 ? [] : [name(level - 1, i), name(level - 1, (i + 1) % WIDTH)]);

/** The tree under SCAN; `runit` writes `sv start` lines instead of needs/; `flat` neither. */
function makeTree(scan, runit, flat = false) {
  for (let level = 0; level < LEVELS; level++) {
    for (let i = 0; i < WIDTH; i++) {
      const dir = join(scan, name(level, i));
      mkdirSync(dir);
      const needs = needsOf(level, i);
      let wait = '';
      if (runit && needs.length > 0) {
        wait = `sv start ${needs.map((n) => join(scan, n)).join(' ')} >/dev/null || exit 1\n`;
      } else if (needs.length > 0 && !flat) {
        mkdirSync(join(dir, 'needs'));
        for (const n of needs) writeFileSync(join(dir, 'needs', n), '');
      }
      // `:` is a builtin: the mark costs no fork; its mtime is when ./run got past its needs.
      writeFileSync(join(dir, 'run'), `#!/bin/sh\n${wait}: > started\nexec sleep 100000\n`);
      chmodSync(join(dir, 'run'), 0o755);
    }
  }
}

const SYSTEMS = [
  {
    name: 'fortress svscan',
    runit: false,
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', dir], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1',
    runit: false,
    start: (dir) =>
      spawn(process.execPath, [svscanJs, '-q', '-1', dir], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    // The same 50 services with no needs/: what the order itself costs.
    name: 'fortress svscan, no needs/',
    runit: false,
    flat: true,
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', dir], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1, no needs/',
    runit: false,
    flat: true,
    start: (dir) =>
      spawn(process.execPath, [svscanJs, '-q', '-1', dir], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'runit runsvdir + sv start',
    runit: true,
    start: (dir) => spawn('/usr/bin/runsvdir', [dir], { env: peerEnv, stdio: ['ignore', 'ignore', 'ignore'] }),
    // HUP: TERM to every runsv (which stops its service), then exit.
    stop: (child) => child.kill('SIGHUP'),
  },
];

function processesUnder(root) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === root || cwd.startsWith(`${root}/`)) out.push(Number(entry));
    } catch {}
  }
  return out;
}

function startedAt(scan, service) {
  try {
    return statSync(join(scan, service, 'started')).mtimeMs;
  } catch {
    return undefined;
  }
}

async function until(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (probe()) return true;
    await sleep(10);
  }
  return false;
}

function killAll(root, child) {
  for (const pid of processesUnder(root)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function once(system) {
  const root = mkdtempSync(join(tmpdir(), 'bench-needs-'));
  const scan = join(root, 'scan');
  mkdirSync(scan);
  makeTree(scan, system.runit, system.flat);
  const names = [];
  for (let level = 0; level < LEVELS; level++) for (let i = 0; i < WIDTH; i++) names.push(name(level, i));
  const t0 = Date.now();
  const child = system.start(scan);
  try {
    const all = await until(() => names.every((n) => startedAt(scan, n) !== undefined), 120_000);
    if (!all) throw new Error(`${system.name}: not every service started within 120 s`);
    const start = Math.max(...names.map((n) => startedAt(scan, n))) - t0;
    // The tree settles (the last supervisors write their status) before the stop is timed.
    await sleep(1000);
    const exited = new Promise((r) => child.once('exit', r));
    const t1 = performance.now();
    system.stop(child);
    await Promise.race([exited, sleep(60_000)]);
    const down = await until(() => processesUnder(root).length === 0, 60_000);
    if (!down) throw new Error(`${system.name}: processes left 60 s after the stop`);
    const stop = performance.now() - t1;
    return { start, stop };
  } finally {
    killAll(root, child);
    rmSync(root, { recursive: true, force: true });
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const results = [];
for (const system of SYSTEMS) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await once(system));
  const row = {
    name: system.name,
    start: median(runs.map((x) => x.start)),
    stop: median(runs.map((x) => x.stop)),
    runs,
  };
  results.push(row);
  console.log(
    `${row.name.padEnd(30)} start→all up ${row.start.toFixed(0).padStart(6)} ms   TERM→all down ${row.stop.toFixed(0).padStart(6)} ms   (runs: ${runs.map((x) => `${x.start.toFixed(0)}/${x.stop.toFixed(0)}`).join(' ')})`,
  );
}
const peer = results.find((r) => r.name.startsWith('runit'));
console.log(
  `\n${LEVELS * WIDTH} services, ${LEVELS} levels; median of ${RUNS} runs; ratios against runit (lower is better):`,
);
for (const r of results) {
  if (r === peer) continue;
  const note = r.name.includes('no needs/') ? 'neither ordered' : "ordered, runit's is not";
  console.log(
    `${r.name.padEnd(30)} start ×${(r.start / peer.start).toFixed(2)}   stop ×${(r.stop / peer.stop).toFixed(2)} (${note})`,
  );
}
