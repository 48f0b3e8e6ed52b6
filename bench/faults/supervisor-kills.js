// Supervisor kills: three services run under svscan; their supervisor is SIGKILLed N times
// (a supervise process; for ours in -1 mode, svscan itself, restarted at once as init would).
// Every ./run appends its pid to ./instances and execs a marked sleep, so afterwards we count
// instances alive beyond one (duplicates), instances the status file does not name
// (untracked), services without a supervisor, and what is still alive after `svc -d`.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, cmdline, holders, makeContext, prng, SYSTEMS, sleep, statusPid, waitFor } from './lib.js';

const SERVICES = [
  // A plain service.
  { name: 'plain', run: 'exec sleep 9990001' },
  // A service with a child in its process group (issue 20, section 2).
  { name: 'tree', run: 'sleep 9990012 &\necho $! >> children\nexec sleep 9990002' },
  // A service that releases a lock inherited as fd 3 (issue 20, section 1); a no-op elsewhere.
  { name: 'unlock', run: 'flock -u 3 2>/dev/null\nexec sleep 9990003' },
];

const MODES = [
  { key: 'ours', label: 'ours', system: SYSTEMS[0], args: (scan) => ['-q', scan] },
  { key: 'ours1', label: 'ours -1', system: SYSTEMS[0], args: (scan) => ['-q', '-1', scan], oneProcess: true },
  { key: 'debian', label: "Debian's", system: SYSTEMS[1], args: (scan) => [scan] },
];

function makeScan(ctx) {
  const scan = join(ctx.dir, 'scan');
  mkdirSync(scan);
  const dirs = {};
  for (const s of SERVICES) {
    const dir = join(ctx.dir, s.name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'run'), `#!/bin/sh\necho $$ >> instances\n${s.run}\n`);
    chmodSync(join(dir, 'run'), 0o755);
    symlinkSync(dir, join(scan, s.name));
    dirs[s.name] = dir;
  }
  return { scan, dirs };
}

function pidsIn(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** ./run instances of a service still alive (pid recorded, now the marked sleep). */
function liveInstances(dir, marker) {
  return pidsIn(join(dir, 'instances')).filter((pid) => alive(pid) && cmdline(pid).includes(marker));
}

const markerOf = (name) => `sleep 999000${SERVICES.findIndex((s) => s.name === name) + 1}`;
const supervisorOf = (dir) => holders(join(dir, 'supervise/lock'))[0] ?? 0;

/** ./run instances still alive, over all services. */
function instancesAlive(dirs) {
  let n = 0;
  for (const s of SERVICES) n += liveInstances(dirs[s.name], markerOf(s.name)).length;
  return n;
}

/** The tree service's children still alive (no timeout-kill: left alone by design, as 0.76). */
const childrenAlive = (dirs) =>
  pidsIn(join(dirs.tree, 'children')).filter((pid) => alive(pid) && cmdline(pid).includes('9990012')).length;

async function oneMode(mode, opts) {
  const ctx = makeContext(`supkill-${mode.key}`);
  try {
    const { scan, dirs } = makeScan(ctx);
    const random = prng(opts.seed + mode.key.length);
    const log = join(ctx.dir, 'svscan.log');
    const startSvscan = () => ctx.spawn(mode.system.bin('svscan'), mode.args(scan), { system: mode.system, log });
    let svscan = startSvscan();
    const everyUp = () =>
      SERVICES.every((s) => supervisorOf(dirs[s.name]) && alive(statusPid(join(dirs[s.name], 'supervise/status'))));
    if (!(await waitFor(everyUp, 30_000, 50))) return { error: 'services did not start' };
    let kills = 0;
    let late = 0;
    let maxDuplicates = 0;
    // Debian's svscan takes up to 5 s to restart a supervise: a budget bounds a slow run.
    const budgetEnd = Date.now() + Math.max(60, opts.supKills * 8) * 1000;
    for (let i = 0; i < opts.supKills && Date.now() < budgetEnd; i++) {
      const name = SERVICES[i % SERVICES.length].name;
      const dir = dirs[name];
      const victim = mode.oneProcess ? svscan.pid : supervisorOf(dir);
      if (!victim) {
        late++;
        continue;
      }
      try {
        process.kill(victim, 'SIGKILL');
        kills++;
      } catch {}
      await waitFor(() => !alive(victim), 5000, 5);
      if (mode.oneProcess) svscan = startSvscan();
      // Debian's svscan notices a dead supervise at its next scan, within 5 s.
      const back = await waitFor(
        () => {
          const pid = supervisorOf(dir);
          return pid && pid !== victim;
        },
        20_000,
        100,
      );
      if (!back) late++;
      await sleep(200 + Math.floor(random() * 300));
      let duplicates = 0;
      for (const s of SERVICES) duplicates += Math.max(0, liveInstances(dirs[s.name], markerOf(s.name)).length - 1);
      maxDuplicates = Math.max(maxDuplicates, duplicates);
    }
    // Settle: every service supervised again (Debian's next scan), or 15 s.
    await waitFor(everyUp, 15_000, 100);
    const result = {
      kills,
      late,
      maxDuplicates,
      duplicates: 0,
      untracked: 0,
      unsupervised: 0,
      restarts: 0,
      byService: [],
    };
    for (const s of SERVICES) {
      const dir = dirs[s.name];
      const live = liveInstances(dir, markerOf(s.name));
      const tracked = statusPid(join(dir, 'supervise/status'));
      result.duplicates += Math.max(0, live.length - 1);
      result.untracked += live.filter((pid) => pid !== tracked).length;
      if (!supervisorOf(dir)) result.unsupervised++;
      const again = pidsIn(join(dir, 'instances')).length - 1;
      result.restarts += again;
      result.byService.push(`${s.name} ${again}`);
    }
    // Stop every service, as an operator would, and see what is left after the deadline.
    await ctx.run(mode.system.bin('svc'), ['-d', ...SERVICES.map((s) => dirs[s.name])], {
      system: mode.system,
      timeoutMs: 10_000,
    });
    await waitFor(() => instancesAlive(dirs) === 0, opts.stopDeadlineMs, 100);
    result.aliveAfterDown = instancesAlive(dirs);
    result.childrenLeft = childrenAlive(dirs);
    // A supervisor watching an adopted ./run notices its end by polling (every 200 ms): svstat
    // gets up to 3 s to say down for every service.
    const readSvstat = async () => {
      const svstat = await ctx.run(
        mode.system.bin('svstat'),
        SERVICES.map((s) => dirs[s.name]),
        { system: mode.system, timeoutMs: 10_000 },
      );
      result.svstat = svstat.stdout
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(ctx.dir.length + 1).replace(/\d+ seconds/, 'N seconds'));
      result.notDown = SERVICES.length - result.svstat.filter((l) => /: down /.test(l)).length;
      return result.notDown === 0;
    };
    const until = Date.now() + 3000;
    while (!(await readSvstat()) && Date.now() < until) await sleep(200);
    // svscan's TERM: ours brings everything down and exits; Debian's dies at once.
    const t0 = Date.now();
    svscan.kill('SIGTERM');
    const exited = await Promise.race([svscan.exited, sleep(opts.stopDeadlineMs + 5000).then(() => null)]);
    result.termExit = exited
      ? `${((Date.now() - t0) / 1000).toFixed(1)} s`
      : `still running after ${((Date.now() - t0) / 1000).toFixed(0)} s`;
    result.termOk = Boolean(exited);
    return result;
  } finally {
    ctx.cleanup();
  }
}

export async function supervisorKills(opts) {
  const o = { ...opts, stopDeadlineMs: 10_000 };
  const list = await Promise.all(MODES.map((m) => oneMode(m, o).catch((err) => ({ error: err.message }))));
  const r = Object.fromEntries(MODES.map((m, i) => [m.key, list[i]]));
  const cell = (x, f) => (x.error ? `error: ${x.error}` : f(x));
  const rows = [
    ['supervisor SIGKILLs', (x) => `${x.kills}${x.late ? ` (${x.late} not back within 20 s)` : ''}`],
    ['./run started again (each a duplicate here)', (x) => `${x.restarts} (${x.byService.join(', ')})`],
    ['most duplicates alive at once', (x) => x.maxDuplicates],
    ['duplicates alive at the end', (x) => x.duplicates],
    ['instances the status file does not name', (x) => x.untracked],
    ['services left unsupervised', (x) => x.unsupervised],
    [`./run instances alive ${o.stopDeadlineMs / 1000} s after svc -d`, (x) => x.aliveAfterDown],
    ['children left (no timeout-kill: by design)', (x) => x.childrenLeft],
    ...SERVICES.map((s, i) => [`svstat ${s.name} then`, (x) => (x.svstat[i] ?? '').replace(/^[^:]*: /, '')]),
    ['svscan after SIGTERM', (x) => `exited in ${x.termExit}`.replace('exited in still', 'still')],
  ].map(([label, f]) => [label, ...MODES.map((m) => cell(r[m.key], f))]);
  const pass = (x) =>
    !x.error &&
    x.restarts === 0 &&
    x.duplicates === 0 &&
    x.unsupervised === 0 &&
    x.aliveAfterDown === 0 &&
    x.notDown === 0 &&
    x.termOk;
  const brief = (x) =>
    x.error
      ? 'error'
      : `${x.restarts} dup, ${x.aliveAfterDown} up after -d, ${x.unsupervised} unsup., TERM ${x.termOk ? 'ok' : 'hangs'}`;
  return {
    title: `supervisor kills: ${opts.supKills} SIGKILLs of a supervise (ours -1: of svscan), 3 services`,
    header: ['', ...MODES.map((m) => m.label)],
    rows,
    verdict: { ours: pass(r.ours) && pass(r.ours1), debian: pass(r.debian) },
    summary: {
      ours: `${brief(r.ours)}; -1: ${brief(r.ours1)}`,
      debian: brief(r.debian),
    },
  };
}
