#!/usr/bin/env node
// supervise, ours next to Debian's daemontools supervise, in one run:
//  1. private memory (USS = Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) per
//     supervised service, for 1, 10 and 50 services;
//  2. respawn: from SIGKILL of a ./run that lived > 1 s to the next ./run executing (it writes
//     its pid into a FIFO this script reads);
//  3. control round trips: `svc -u` until svstat says up, `svc -d` until svstat says down
//     (Debian's svc/svstat against both supervisors, and our svc/svstat against ours);
//  4. start-up time of svc and svstat: ours, Debian's, bare `node -e 0`;
//  5. readiness: from the newline on the notification fd to `svc -wU` returning (median, p99),
//     ours next to s6's s6-supervise and s6-svc -wU;
//  6. start and know it: `svc -wU -u` in one process against `svc -u` then `svstat` in a loop
//     until it says up (what 0.76 users do), Debian's supervise and ours; s6-svc -wU -u too.
// Targets (issue 2): <= 10 MiB USS per service, respawn <= 5 ms median, svc/svstat <= 1.5 x node -e 0.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ourProgram, REPO } from './lib/paths.js';
import { killUnder, ussKiB } from './lib/processes.js';
import { median, quantile } from './lib/stats.js';
import { makeService, runProgram, startProgram } from './lib/tree.js';
import { sleep, waitUntil } from './lib/wait.js';

const node = process.execPath;
const OURS = [node, ourProgram('supervise', 'supervise')];
const DEBIAN = ['/usr/bin/supervise'];
const OUR_SVC = [node, ourProgram('svc', 'svc')];
const OUR_SVSTAT = [node, ourProgram('svc', 'svstat')];
const DEB_SVC = ['/usr/bin/svc'];
const DEB_SVSTAT = ['/usr/bin/svstat'];
const S6_SUPERVISE = ['/usr/bin/s6-supervise'];
const S6_SVC = ['/usr/bin/s6-svc'];
const haveS6 = existsSync(S6_SUPERVISE[0]) && existsSync(S6_SVC[0]);
const ourSvcReady = existsSync(join(REPO, 'packages/svc/dist/bin/svc.js'));

const BUNDLE_CHECK = `
const { statSync } = await import('node:fs');
const m = (p) => statSync(${JSON.stringify(join(REPO, 'packages'))} + p, { throwIfNoEntry: false })?.mtimeMs;
const made = m('/supervise/dist/bundle/supervise.js');
const fresh = made !== undefined && !(m('/supervise/dist/.tsbuildinfo') > made) && !(m('/core/dist/.tsbuildinfo') > made);
console.log(fresh ? 'dist/bundle/supervise.js (one file)' : 'dist/bin/supervise.js and its modules (no fresh bundle)');
`;

const root = mkdtempSync(join(tmpdir(), 'bench-supervise-'));
const children = new Set();

const f = (x, d = 2) => x.toFixed(d);

/** ROOT/NAME, whose ./run runs RUNLINES and then sleeps, with FILES (name: content) beside it. */
function service(name, runLines = [], files = {}) {
  const dir = join(root, name);
  makeService(dir, { runLines });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

function startSupervisor(program, dir) {
  const p = startProgram([...program, dir], { stderr: 'inherit' });
  children.add(p);
  p.exited.then(() => children.delete(p));
  return p;
}

function statusPid(dir) {
  try {
    return readFileSync(join(dir, 'supervise/status')).readUInt32LE(12);
  } catch {
    return 0;
  }
}

const waitFor = (what, fn) => waitUntil(what, fn, 60_000, 5);

const run = (program, args) => runProgram([...program, ...args]);

async function stopAll(dirs, procs) {
  for (let i = 0; i < dirs.length; i += 50) run(DEB_SVC, ['-dx', ...dirs.slice(i, i + 50)]);
  await Promise.all(procs.map((p) => p.exited));
}

// 1. memory
async function memory(label, program, n) {
  const dirs = Array.from({ length: n }, (_, i) => service(`mem-${label}-${n}-${i}`));
  const procs = dirs.map((d) => startSupervisor(program, d));
  await waitFor(`${n} services up (${label})`, () => dirs.every((d) => statusPid(d) > 0));
  await sleep(1500); // let start-up garbage settle (and Debian's 1 s post-start sleep end)
  const total = procs.reduce((sum, p) => sum + ussKiB(p.pid), 0);
  await stopAll(dirs, procs);
  return total / n;
}

// 2. respawn latency
async function respawn(label, program, rounds) {
  const dir = service(`respawn-${label}`, ['echo $$ > ../respawn.fifo']);
  const fifo = join(root, 'respawn.fifo');
  if (!existsSync(fifo)) runProgram(['mkfifo', fifo]);
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  const sock = new Socket({ fd, readable: true, writable: false });
  const pending = [];
  let buffered = '';
  sock.on('data', (d) => {
    const t = process.hrtime.bigint();
    buffered += d.toString();
    let i = buffered.indexOf('\n');
    while (i >= 0) {
      const pid = Number(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
      pending.shift()?.({ pid, t });
      i = buffered.indexOf('\n');
    }
  });
  const next = () => new Promise((r) => pending.push(r));
  let arrival = next();
  const sup = startSupervisor(program, dir);
  let { pid } = await arrival;
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    await sleep(1100); // the run must have lived more than a second
    arrival = next();
    const t0 = process.hrtime.bigint();
    process.kill(pid, 'SIGKILL');
    const got = await arrival;
    samples.push(Number(got.t - t0) / 1e6);
    pid = got.pid;
  }
  await stopAll([dir], [sup]);
  sock.destroy();
  return samples;
}

// 3. control round trips through svstat
async function roundTrips(label, program, svc, svstat, rounds) {
  const dir = service(`rt-${label}`);
  const sup = startSupervisor(program, dir);
  await waitFor('up', () => statusPid(dir) > 0);
  const until = (re) => {
    for (;;) {
      const out = run(svstat, [dir]).stdout;
      if (re.test(out)) return;
    }
  };
  const up = [];
  const down = [];
  for (let i = 0; i < rounds; i++) {
    await sleep(1100); // past Debian supervise's deaf second after a start
    let t0 = process.hrtime.bigint();
    run(svc, ['-d', dir]);
    until(/: down /);
    down.push(Number(process.hrtime.bigint() - t0) / 1e6);
    t0 = process.hrtime.bigint();
    run(svc, ['-u', dir]);
    until(/: up /);
    up.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await stopAll([dir], [sup]);
  return { up, down };
}

// 5. readiness: ./run blocks reading go.fifo, then writes the newline on its notification fd.
// Per round: down and up again (1.1 s apart: the 1 s pacing of starts), a waiter started and
// subscribed (its FIFO in event/), then the clock starts as the bench writes to go.fifo and
// stops when the waiter has exited.
// `waitArgs(dir)`: the waiter's command line (default: svc -wU DIR).
async function readiness(label, program, svc, rounds, waitArgs = (dir) => [...svc, '-wU', dir]) {
  const dir = service(`ready-${label}`, ['read x < go.fifo', 'echo >&5'], {
    'notification-fd': '5\n',
  });
  const fifo = join(dir, 'go.fifo');
  runProgram(['mkfifo', fifo]);
  const sup = startSupervisor(program, dir);
  const subscribers = () => readdirSync(join(dir, 'event')).filter((n) => n.startsWith('ftrig1')).length;
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    let fd = -1;
    await waitFor('./run to open go.fifo', () => {
      try {
        fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        return true;
      } catch {
        return false; // ENXIO: no reader yet
      }
    });
    const waiter = startProgram(waitArgs(dir));
    await waitFor('the waiter to subscribe', () => subscribers() > 0);
    const t0 = process.hrtime.bigint();
    writeSync(fd, '\n');
    const { exitCode } = await waiter.exited;
    closeSync(fd);
    if (exitCode !== 0) throw new Error(`${label}: svc -wU exited ${exitCode}`);
    samples.push(Number(waiter.endedAt - t0) / 1e6);
    run(svc, ['-wD', '-d', dir]);
    await sleep(1100);
    run(svc, ['-u', dir]);
  }
  await stopAll([dir], [sup]);
  return samples;
}

// 6. from `svc -u` to knowing the service is up: one `svc -wU -u` (a ./run that is ready at
// once), or 0.76's way, `svc -u` and then svstat in a loop until it says up.
async function startAndKnow(label, program, mode, svc, svstat, rounds) {
  const files = mode === 'loop' ? { down: '' } : { down: '', 'notification-fd': '5\n' };
  const dir = service(`know-${label}`, mode === 'loop' ? [] : ['echo >&5'], files);
  const sup = startSupervisor(program, dir);
  await waitFor(
    'supervise',
    () => existsSync(join(dir, 'supervise/status')) && /(^|: )down /.test(run(svstat, [dir]).stdout),
  );
  const samples = [];
  const polls = [];
  for (let i = 0; i < rounds; i++) {
    await sleep(1100); // the 1 s pacing of starts, and Debian supervise's deaf second after one
    const t0 = process.hrtime.bigint();
    if (mode === 'loop') {
      run(svc, ['-u', dir]);
      let n = 0;
      do n++;
      while (!/(^|: )up /.test(run(svstat, [dir]).stdout));
      polls.push(n);
    } else if (run(svc, ['-wU', '-u', dir]).exitCode !== 0) throw new Error(`${label}: svc -wU -u failed`);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    run(svc, ['-d', dir]);
    while (!/(^|: )down /.test(run(svstat, [dir]).stdout));
  }
  await stopAll([dir], [sup]);
  return { samples, polls };
}

// 4. start-up of svc and svstat
function startupTimes(dir, rounds) {
  const cmds = [
    ['node -e 0', [node, '-e', '0']],
    ['svc -c (Debian)', [...DEB_SVC, '-c', dir]],
    ['svstat (Debian)', [...DEB_SVSTAT, dir]],
  ];
  if (ourSvcReady) cmds.push(['svc -c (ours)', [...OUR_SVC, '-c', dir]], ['svstat (ours)', [...OUR_SVSTAT, dir]]);
  const times = new Map(cmds.map(([n]) => [n, []]));
  for (const [, argv] of cmds) runProgram(argv); // warm up
  for (let i = 0; i < rounds; i++) {
    for (const [name, argv] of cmds) {
      const t0 = process.hrtime.bigint();
      // A bare spawnSync: execa's own work (about 1 ms a call) would be in the start-up figure.
      spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' });
      times.get(name).push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return times;
}

try {
  console.log(`supervise benchmark (${new Date().toISOString()}), Node ${process.version}`);
  // bin/supervise.js runs the one-file bundle when packages/supervise/scripts/bundle.js made a fresh one.
  const bundled = run([node, '--input-type=module', '-e', BUNDLE_CHECK], []).stdout.trim();
  console.log(`our supervise runs: ${bundled}`);
  // SECTIONS=5,6 runs only those sections (numbered as in the header).
  const only = process.env.SECTIONS?.split(',');
  const section = (n) => !only || only.includes(String(n));
  const RT = Number(process.env.RT_ROUNDS ?? 8);
  if (section(1)) {
    console.log('\n### USS per supervised service (KiB)\n');
    console.log('| services | ours | Debian | ratio |');
    console.log('|---:|---:|---:|---:|');
    for (const n of [1, 10, 50]) {
      const ours = await memory('ours', OURS, n);
      const theirs = await memory('debian', DEBIAN, n);
      console.log(`| ${n} | ${f(ours, 0)} (${f(ours / 1024)} MiB) | ${f(theirs, 0)} | ${f(ours / theirs, 1)}x |`);
    }
  }
  if (section(2)) {
    const ROUNDS = Number(process.env.ROUNDS ?? 15);
    console.log(`\n### Respawn: SIGKILL of a run that lived > 1 s -> next ./run executing (ms, ${ROUNDS} rounds)\n`);
    console.log('| supervisor | median | p90 | min | max |');
    console.log('|---|---:|---:|---:|---:|');
    const rs = {};
    for (const [label, program] of [
      ['ours', OURS],
      ['Debian', DEBIAN],
    ]) {
      const s = await respawn(label, program, ROUNDS);
      rs[label] = median(s);
      console.log(
        `| ${label} | ${f(median(s))} | ${f(quantile(s, 0.9))} | ${f(Math.min(...s))} | ${f(Math.max(...s))} |`,
      );
    }
    console.log(`\nratio ours/Debian (median): ${f(rs.ours / rs.Debian)}x`);
  }
  if (section(3)) {
    console.log(`\n### Control round trips through svstat (ms, median of ${RT}; svstat polled in a loop)\n`);
    console.log('| supervisor | svc/svstat | svc -u -> up | svc -d -> down |');
    console.log('|---|---|---:|---:|');
    const configs = [
      ['Debian', DEBIAN, 'Debian', DEB_SVC, DEB_SVSTAT],
      ['ours', OURS, 'Debian', DEB_SVC, DEB_SVSTAT],
    ];
    if (ourSvcReady) configs.push(['ours', OURS, 'ours', OUR_SVC, OUR_SVSTAT]);
    for (const [label, program, tools, svc, svstat] of configs) {
      const { up, down } = await roundTrips(`${label}-${tools}`, program, svc, svstat, RT);
      console.log(`| ${label} | ${tools} | ${f(median(up))} | ${f(median(down))} |`);
    }
    if (!ourSvcReady) console.log('\n(our svc/svstat not built yet: packages/svc/dist missing)');
  }
  if (section(4)) {
    console.log('\n### Start-up of svc and svstat (ms, median of 30)\n');
    const dir = service('startup');
    const sup = startSupervisor(OURS, dir);
    await waitFor('up', () => statusPid(dir) > 0);
    const times = startupTimes(dir, 30);
    await stopAll([dir], [sup]);
    const base = median(times.get('node -e 0'));
    console.log('| program | median | x node -e 0 |');
    console.log('|---|---:|---:|');
    for (const [name, xs] of times) console.log(`| ${name} | ${f(median(xs))} | ${f(median(xs) / base)} |`);
  }
  if (section(5)) {
    const RR = Number(process.env.READY_ROUNDS ?? 20);
    console.log(`\n### Readiness: newline on the notification fd -> svc -wU returns (ms, ${RR} rounds)\n`);
    console.log('| supervisor | waiter | median | p99 | ratio (median) |');
    console.log('|---|---|---:|---:|---:|');
    const readyRows = [['ours', OURS, 'svc -wU (ours)', OUR_SVC]];
    if (haveS6) {
      readyRows.push(['s6', S6_SUPERVISE, 's6-svc -wU', S6_SVC]);
      // supervise's share alone: s6's C waiter on our event/ (the U byte; no status read, no Node exit).
      const ftrig = (dir) => ['/usr/bin/s6-ftrig-wait', join(dir, 'event'), 'U'];
      readyRows.push(['ours', OURS, 's6-ftrig-wait event/ U', OUR_SVC, ftrig]);
    }
    const readyMedians = [];
    for (const [label, program, waiter, svc, waitArgs] of readyRows) {
      const xs = await readiness(`${label}-${readyMedians.length}`, program, svc, RR, waitArgs);
      readyMedians.push(median(xs));
      console.log(
        `| ${label} | ${waiter} | ${f(median(xs))} | ${f(quantile(xs, 0.99))} | ${f(median(xs) / readyMedians[0])}x |`,
      );
    }
    if (!haveS6) console.log('\n(s6 not installed: no s6 row)');
  }
  if (section(6)) {
    console.log(`\n### svc -u, then know it is up (ms, ${RT} rounds; ratio against 0.76's tools and supervise)\n`);
    console.log('| supervisor | how | median | p99 | svstat runs | ratio (median) |');
    console.log('|---|---|---:|---:|---:|---:|');
    const knowRows = [
      ['Debian', DEBIAN, 'loop', DEB_SVC, DEB_SVSTAT, 'svc -u; svstat until up (Debian tools)'],
      ['ours', OURS, 'loop', DEB_SVC, DEB_SVSTAT, 'svc -u; svstat until up (Debian tools)'],
      ['ours', OURS, 'loop', OUR_SVC, OUR_SVSTAT, 'svc -u; svstat until up (our tools)'],
      ['ours', OURS, 'wait', OUR_SVC, OUR_SVSTAT, 'svc -wU -u, one process (ready at once)'],
    ];
    if (haveS6)
      knowRows.push(['s6', S6_SUPERVISE, 'wait', S6_SVC, ['/usr/bin/s6-svstat'], 's6-svc -wU -u, one process']);
    let knowBase = 0;
    for (const [label, program, mode, svc, svstat, how] of knowRows) {
      const { samples, polls } = await startAndKnow(`${label}-${mode}-${svc.length}`, program, mode, svc, svstat, RT);
      knowBase ||= median(samples);
      const runs = polls.length ? f(polls.reduce((a, b) => a + b, 0) / polls.length, 1) : '-';
      console.log(
        `| ${label} | ${how} | ${f(median(samples))} | ${f(quantile(samples, 0.99))} | ${runs} | ${f(median(samples) / knowBase)}x |`,
      );
    }
  }
} finally {
  for (const p of children) p.kill('SIGKILL');
  // Services of killed supervisors: they work in their service directories.
  await killUnder(root);
  rmSync(root, { recursive: true, force: true });
}
