// Shared machinery of the fault suite: the two systems under test, process groups the suite
// makes and kills, a sweep for whatever those started in sessions of their own, bounded runs
// of a program (timeout, memory and output caps), temporary directories, tables.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repo = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const ourBin = join(repo, 'node_modules/.bin');
const systemPath = '/usr/sbin:/usr/bin:/sbin:/bin';

// Every process the suite starts carries this variable, inherited through setsid and exec by
// the supervisors and services they start: the sweep finds them by it, and by nothing else.
const TAG_NAME = 'FORTRESS_FAULTS_TAG';
const runTag = `${process.pid}-${Date.now().toString(36)}`;

/** ours: fortress's programs from node_modules/.bin (pinned Node first on PATH); debian: /usr/bin. */
export const SYSTEMS = [
  { key: 'ours', label: 'ours', bin: (name) => join(ourBin, name), path: `${ourBin}:${systemPath}` },
  { key: 'debian', label: "Debian's", bin: (name) => `/usr/bin/${name}`, path: systemPath },
];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls probe() every `every` ms until it returns something truthy or the deadline passes. */
export async function waitFor(probe, timeoutMs, every = 25) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() >= deadline) return undefined;
    await sleep(every);
  }
}

// A run can be repeated with --seed.
export { prng } from '@fortress/test-support/random';

const contexts = new Set();
let contextCount = 0;

/**
 * A context owns a temporary directory, the process groups it started, the tmpfs it mounted,
 * and (through its tag) every process those started. cleanup() ends all of it.
 */
export function makeContext(name) {
  const tag = `${runTag}-${++contextCount}`;
  const ctx = {
    name,
    tag,
    dir: mkdtempSync(join(tmpdir(), `fortress-faults-${name}-`)),
    groups: new Set(),
    mounts: [],
    /** Starts a program in a new session (so a process group of its own) with the tag set. */
    spawn(command, args, { cwd, env = {}, system, log, stdin = 'ignore' } = {}) {
      const fd = log ? openSync(log, 'a') : 'ignore';
      const child = spawn(command, args, {
        cwd: cwd ?? ctx.dir,
        env: taggedEnv(tag, system, env),
        stdio: [stdin, fd, fd],
        detached: true,
      });
      if (typeof fd === 'number') closeSync(fd);
      child.on('error', () => {});
      if (child.pid) ctx.groups.add(child.pid);
      child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      return child;
    },
    run: (command, args, options = {}) => runBounded(command, args, { ...options, tag, groups: ctx.groups }),
    /** Live processes of this context whose command line contains `text`. */
    processes: (text) => taggedPids((value) => value === tag).filter((pid) => cmdline(pid).includes(text)),
    mount(path, options) {
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'fortress-faults', path], { encoding: 'utf8' });
      if (r.status !== 0) return (r.stderr || 'mount failed').trim();
      ctx.mounts.push(path);
      return null;
    },
    cleanup() {
      for (const pgid of ctx.groups) killGroup(pgid);
      sweep((value) => value === tag);
      for (const path of ctx.mounts.splice(0)) spawnSync('umount', ['-l', path]);
      rmSync(ctx.dir, { recursive: true, force: true });
      contexts.delete(ctx);
    },
  };
  contexts.add(ctx);
  return ctx;
}

function taggedEnv(tag, system, extra) {
  const env = { PATH: system ? system.path : systemPath, HOME: '/root', LANG: 'C', [TAG_NAME]: tag, ...extra };
  return env;
}

export function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {}
}

/** SIGKILLs, by pid, every process whose tag matches, until none is left (or 5 s). */
export function sweep(match = (value) => value.startsWith(`${runTag}-`)) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const left = taggedPids(match);
    if (left.length === 0 || Date.now() > deadline) return left.length;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    spawnSync('sleep', ['0.05']);
  }
}

function taggedPids(match) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1');
      const at = env.indexOf(`${TAG_NAME}=`);
      if (at < 0) continue;
      const end = env.indexOf('\0', at);
      const value = env.slice(at + TAG_NAME.length + 1, end < 0 ? undefined : end);
      if (match(value) && !isZombie(Number(name))) out.push(Number(name));
    } catch {}
  }
  return out;
}

/** Ends everything every live context started; safe to call from an exit handler. */
export function cleanupAll() {
  for (const ctx of [...contexts]) {
    try {
      ctx.cleanup();
    } catch {}
  }
  sweep();
}

// ---- /proc ----------------------------------------------------------------------------------

export function procState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

export const isZombie = (pid) => procState(pid) === 'Z';
/** Alive and not a zombie. */
export const alive = (pid) => pid > 0 && (procState(pid) ?? 'Z') !== 'Z';

export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Pids of processes holding `path` open (a lock file: its holder is the supervisor). */
export function holders(path) {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fds;
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${name}/fd/${fd}`) === path) {
          if (alive(Number(name))) out.push(Number(name));
          break;
        }
      } catch {}
    }
  }
  return out;
}

/** The pid in a daemontools 0.76 status file (bytes 12..15, little-endian), 0 when unreadable. */
export function statusPid(path) {
  try {
    const b = readFileSync(path);
    return b.length >= 18 ? b.readUInt32LE(12) : 0;
  } catch {
    return 0;
  }
}

// ---- bounded runs ---------------------------------------------------------------------------

const OUTPUT_CAP = 64 * 1024;

/**
 * Runs a program in a process group of its own, with a deadline, a memory cap (VmRSS sampled
 * every 50 ms) and an output cap. outcome: 'exit', 'hang' (deadline), 'grew' (memory or output
 * beyond the caps). The group is SIGKILLed in the last two cases.
 */
export function runBounded(
  command,
  args,
  { tag, groups, system, env, cwd, input, timeoutMs = 5000, maxRssMb = 300, maxOutputMb = 8 } = {},
) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd,
      env: taggedEnv(tag ?? `${runTag}-0`, system, env ?? {}),
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    groups?.add(child.pid);
    const out = { stdout: [], stderr: [], bytes: 0 };
    let outcome = 'exit';
    let maxRss = 0;
    const stop = (why) => {
      if (outcome === 'exit') outcome = why;
      killGroup(child.pid);
    };
    const collect = (which) => (data) => {
      out.bytes += data.length;
      const kept = out[which].reduce((n, b) => n + b.length, 0);
      if (kept < OUTPUT_CAP) out[which].push(data.subarray(0, OUTPUT_CAP - kept));
      if (out.bytes > maxOutputMb * 1024 * 1024) stop('grew');
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    if (input !== undefined) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
    const sampler = setInterval(() => {
      const kb = rssKb(child.pid);
      maxRss = Math.max(maxRss, kb);
      if (kb > maxRssMb * 1024) stop('grew');
    }, 50);
    const timer = setTimeout(() => stop('hang'), timeoutMs);
    let done = false;
    const finish = (code, signal) => {
      if (done) return;
      done = true;
      clearInterval(sampler);
      clearTimeout(timer);
      killGroup(child.pid);
      groups?.delete(child.pid);
      resolve({
        outcome,
        code,
        signal,
        ms: Date.now() - started,
        maxRssMb: maxRss / 1024,
        outputBytes: out.bytes,
        stdout: Buffer.concat(out.stdout),
        stderr: Buffer.concat(out.stderr),
      });
    };
    child.on('close', finish);
    // A program that cannot be started at all (not installed) is reported as exit 127.
    child.on('error', (err) => {
      out.stderr.push(Buffer.from(`${command}: ${err.message}\n`));
      finish(127, null);
    });
  });
}

/** A crash is death by a signal we did not send, or a JavaScript stack trace / error name. */
export function classify(r) {
  if (r.outcome !== 'exit') return r.outcome;
  const err = r.stderr.toString('latin1');
  if (r.signal) return `crash(${r.signal})`;
  if (/^\s+at /m.test(err) || /\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/.test(err))
    return `crash(${r.code})`;
  return `ok(${r.code})`;
}

/** Bytes as text, with anything outside printable ASCII as \xHH (so a message's bytes show). */
export function showBytes(buf, max = 80) {
  let s = '';
  for (const b of buf) {
    if (b === 10) s += '\\n';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
    if (s.length >= max) return `${s.slice(0, max)}...`;
  }
  return s;
}

// ---- tables ---------------------------------------------------------------------------------

/** Prints rows (arrays of cells) as a table with a header row and a rule under it. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '-')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]?.length ?? 0)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(all[0]).trimEnd());
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of all.slice(1)) console.log(line(r).trimEnd());
}

/** Runs fn(system) for each system at once; results keyed by system key. */
export async function bothSystems(fn) {
  const results = await Promise.all(SYSTEMS.map((s) => fn(s).catch((err) => ({ error: err.message }))));
  return Object.fromEntries(SYSTEMS.map((s, i) => [s.key, results[i]]));
}
