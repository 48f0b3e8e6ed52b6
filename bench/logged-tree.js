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
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const svscanJs = join(repo, 'packages/svscan/bin/svscan.js');
const ourMultilog = join(repo, 'packages/multilog/bin/multilog.js');
const attach = join(repo, 'packages/multilog/bin/multilog-attach');
// This run's own log host, found by its command line (it lives outside svscan's tree).
const HOST_NAME = `bench-loghost-${process.pid}`;
const env = { ...process.env, PATH: `${repo}node_modules/.bin:${process.env.PATH}`, FORTRESS_LOGHOST: HOST_NAME };
const peerEnv = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const COUNTS = (process.env.BENCH_LOGGED ?? '1,10,20,50').split(',').map(Number);
// BENCH_SYSTEMS=daemontools,s6 measures only the systems whose names contain one of these words.
const ONLY = process.env.BENCH_SYSTEMS?.split(',');

const SYSTEMS = [
  {
    name: 'fortress svscan + multilog',
    logger: `exec ${process.execPath} ${ourMultilog} t ./main`,
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', dir], { env, stdio: 'ignore' }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1 + multilog',
    logger: `exec ${process.execPath} ${ourMultilog} t ./main`,
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', '-1', dir], { env, stdio: 'ignore' }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan + log host',
    logger: `exec ${attach} t ./main`,
    host: true,
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', dir], { env, stdio: 'ignore' }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'fortress svscan -1 + log host',
    logger: `exec ${attach} t ./main`,
    host: true,
    start: (dir) => spawn(process.execPath, [svscanJs, '-q', '-1', dir], { env, stdio: 'ignore' }),
    stop: (child) => child.kill('SIGTERM'),
  },
  {
    name: 'daemontools (multilog)',
    logger: 'exec /usr/bin/multilog t ./main',
    bin: '/usr/bin/svscan',
    start: (dir) => spawn('/usr/bin/svscan', [dir], { env: peerEnv, stdio: 'ignore' }),
    stop: (child, dir) => {
      child.kill('SIGTERM');
      const targets = readdirSync(dir).flatMap((n) => [join(dir, n), join(dir, n, 'log')]);
      if (targets.length) spawnSync('/usr/bin/svc', ['-dx', ...targets]);
    },
  },
  {
    name: 'runit (svlogd)',
    logger: 'exec /usr/bin/svlogd -t ./main',
    bin: '/usr/bin/runsvdir',
    start: (dir) => spawn('/usr/bin/runsvdir', [dir], { env: peerEnv, stdio: 'ignore' }),
    stop: (child) => child.kill('SIGHUP'),
  },
  {
    name: 's6 (s6-log)',
    logger: 'exec /usr/bin/s6-log t ./main',
    bin: '/usr/bin/s6-svscan',
    start: (dir) => spawn('/usr/bin/s6-svscan', [dir], { env: peerEnv, stdio: 'ignore' }),
    stop: (_child, dir) => spawnSync('/usr/bin/s6-svscanctl', ['-t', dir]),
  },
];

function makeService(dir, logger) {
  mkdirSync(join(dir, 'log', 'main'), { recursive: true });
  writeFileSync(join(dir, 'run'), '#!/bin/sh\necho $$ > started\necho started\nexec sleep 100000\n');
  chmodSync(join(dir, 'run'), 0o755);
  writeFileSync(join(dir, 'log', 'run'), `#!/bin/sh\n${logger}\n`);
  chmodSync(join(dir, 'log', 'run'), 0o755);
}

function children() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!map.has(ppid)) map.set(ppid, []);
      map.get(ppid).push(Number(name));
    } catch {}
  }
  return map;
}

function uss(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    let kib = 0;
    for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kib += Number(m[1]);
    return kib;
  } catch {
    return 0;
  }
}

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

/** USS in KiB of `roots` and their descendants except the services, and how many processes that is. */
function treeUss(roots, services) {
  const map = children();
  let kib = 0;
  let processes = 0;
  const seen = new Set();
  for (const stack = [...roots]; stack.length; ) {
    const pid = stack.pop();
    if (seen.has(pid)) continue;
    seen.add(pid);
    if (!services.has(pid)) {
      kib += uss(pid);
      processes++;
    }
    stack.push(...(map.get(pid) ?? []));
  }
  return { kib, processes };
}

async function until(probe, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (probe()) return true;
  return false;
}

function processesIn(root) {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readlinkSync(`/proc/${n}/cwd`).startsWith(root);
      } catch {
        return false;
      }
    })
    .map(Number);
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
    makeService(dir, system.logger);
    symlinkSync(dir, join(scan, `svc${i}`));
    dirs.push(dir);
  }
  const child = system.start(scan);
  try {
    if (!(await until(() => dirs.every(logged), 180_000))) throw new Error(`not every logger wrote within 180 s`);
    await sleep(2000);
    const services = new Set(dirs.map((d) => Number(readFileSync(join(d, 'started'), 'latin1'))));
    return treeUss([child.pid, ...(system.host ? hostPids() : [])], services);
  } finally {
    const exited = new Promise((r) => child.on('exit', r));
    system.stop(child, scan);
    await Promise.race([exited, sleep(15_000)]);
    for (let i = 0; i < 50; i++) {
      const left = processesIn(root);
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      await sleep(50);
    }
    if (child.exitCode === null) child.kill('SIGKILL');
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
