// /proc in one place (ARCHITECTURE.md, "Processes and /proc"): a process's stat (fields by
// name, as proc(5) numbers them), status, cmdline, smaps_rollup, limits, descriptors and working
// directory; the pids there are, process groups, sessions, a process tree walk, a process's
// identity (pid and start time, so a reused pid is never taken for it); the boot's time and id;
// the flock holders of /proc/locks. Every reader takes the /proc root (tests pass a fake one)
// and returns undefined for a process that is gone or may not be read, instead of throwing.
// The kernel's tables that are not about processes (/proc/net, /proc/sys) have their one reader
// where they are used (fortress's audit). Builtins through getBuiltinModule: an ES import of
// node:fs builds its whole namespace (several ms of start-up in every program that loads this).
const { readdirSync, readFileSync, readlinkSync, statSync } = process.getBuiltinModule('node:fs');

export const PROC = '/proc';

/** /proc/PID/stat field numbers (proc(5), counting from 1: pid is 1, comm 2). */
export const STAT_FIELD = {
  state: 3,
  ppid: 4,
  pgrp: 5,
  session: 6,
  ttyNr: 7,
  tpgid: 8,
  flags: 9,
  minflt: 10,
  majflt: 12,
  utime: 14,
  stime: 15,
  priority: 18,
  nice: 19,
  numThreads: 20,
  starttime: 22,
  vsize: 23,
  rss: 24,
} as const;

export type StatField = keyof typeof STAT_FIELD;

export interface ProcStat extends Record<Exclude<StatField, 'state'>, number> {
  pid: number;
  /** The command name (at most 15 bytes; Node's main thread calls itself MainThread). */
  comm: string;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, X dead... */
  state: string;
}

/**
 * Parses the text of /proc/PID/stat. comm may hold spaces and parentheses, so the fields are
 * split after the last ')'; field N is then at index N − 3.
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const stat = { pid: Number(text.slice(0, open)), comm: text.slice(open + 1, close) } as ProcStat;
  for (const [name, field] of Object.entries(STAT_FIELD) as [StatField, number][]) {
    const value = rest[field - 3];
    if (value === undefined) return undefined;
    if (name === 'state') stat.state = value;
    else stat[name] = Number(value);
  }
  return stat;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** /proc/PID/stat, undefined when the process is gone. */
export function readStat(pid: number, root = PROC): ProcStat | undefined {
  const text = readText(`${root}/${pid}/stat`);
  return text === undefined ? undefined : parseStat(text);
}

/** True for a process that has exited and not been reaped (or is being torn down). */
export function isZombie(stat: ProcStat): boolean {
  return stat.state === 'Z' || stat.state === 'X';
}

/** /proc/PID/status as its `Key: value` lines (values trimmed), undefined when gone. */
export function readStatus(pid: number, root = PROC): Map<string, string> | undefined {
  const text = readText(`${root}/${pid}/status`);
  if (text === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** The real uid from a status map (`Uid: real effective saved fs`), undefined when absent. */
export function realUid(status: Map<string, string>): number | undefined {
  const uid = status.get('Uid')?.split(/\s+/)[0];
  return uid === undefined ? undefined : Number(uid);
}

/**
 * The arguments of a process (UTF-8, invalid bytes as U+FFFD; `latin1` gives one character per
 * byte); [] for a kernel thread or a zombie.
 */
export function readCmdline(
  pid: number | 'self',
  root = PROC,
  encoding: 'utf8' | 'latin1' = 'utf8',
): string[] | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${root}/${pid}/cmdline`);
  } catch {
    return undefined;
  }
  const args = bytes.toString(encoding).split('\0');
  if (args.at(-1) === '') args.pop(); // each argument ends with a NUL
  return args;
}

/** Memory of a process in bytes, from /proc/PID/smaps_rollup (Linux 4.14+). */
export interface MemoryUse {
  /** Resident: every page mapped, shared ones counted in full in each process. */
  rss: number;
  /** Proportional: each page divided among the processes that map it. */
  pss: number;
  /** Unique (private) set: pages only this process maps, freed when it exits. */
  uss: number;
  swap: number;
}

/**
 * undefined when the process is gone or may not be read: smaps_rollup needs ptrace read access
 * (root, or the process's own account).
 */
export function readMemoryUse(pid: number, root = PROC): MemoryUse | undefined {
  const text = readText(`${root}/${pid}/smaps_rollup`);
  if (text === undefined) return undefined;
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  if (!/^Rss:/m.test(text)) return undefined;
  return {
    rss: kb('Rss'),
    pss: kb('Pss'),
    uss: kb('Private_Clean') + kb('Private_Dirty') + kb('Private_Hugetlb'),
    swap: kb('Swap'),
  };
}

/** The pids in /proc now (processes, not threads). */
export function listPids(root = PROC): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(root)) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** The stat of every process, read in one pass (processes gone meanwhile are left out). */
export function readAllStats(root = PROC): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const pid of listPids(root)) {
    const stat = readStat(pid, root);
    if (stat) stats.push(stat);
  }
  return stats;
}

/** Pids by process group, from one pass over /proc. */
export function processGroups(stats: readonly ProcStat[] = readAllStats()): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const s of stats) {
    const members = groups.get(s.pgrp);
    if (members) members.push(s.pid);
    else groups.set(s.pgrp, [s.pid]);
  }
  return groups;
}

/**
 * A process as a walk finds it: its start time (clock ticks after boot) tells it from a later
 * process given the same pid.
 */
export interface ProcessIdentity {
  pid: number;
  starttime: number;
}

/** The stat of a live process: undefined when it is gone or a zombie. */
export function liveStat(pid: number, root = PROC): ProcStat | undefined {
  if (!(pid > 0)) return undefined;
  const stat = readStat(pid, root);
  return stat === undefined || isZombie(stat) ? undefined : stat;
}

/** The identity of a live process now, undefined when it is gone or a zombie. */
export function identityOf(pid: number, root = PROC): ProcessIdentity | undefined {
  const stat = liveStat(pid, root);
  return stat && { pid, starttime: stat.starttime };
}

/** Process group of a live process, undefined when it is gone (or a zombie). */
export function processGroupOf(pid: number, root = PROC): number | undefined {
  return liveStat(pid, root)?.pgrp;
}

/** Every live descendant of ROOTPID (children, grandchildren, ...), found by one /proc pass. */
export function descendantsOf(rootPid: number, stats: readonly ProcStat[] = readAllStats()): ProcessIdentity[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    if (isZombie(s)) continue;
    const list = children.get(s.ppid);
    if (list) list.push(s);
    else children.set(s.ppid, [s]);
  }
  const found: ProcessIdentity[] = [];
  const queue = [rootPid];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i]!) ?? []) {
      found.push({ pid: child.pid, starttime: child.starttime });
      queue.push(child.pid);
    }
  }
  return found;
}

/** Every live member of process group PGID, found by one /proc pass. */
export function membersOf(pgid: number, stats: readonly ProcStat[] = readAllStats()): ProcessIdentity[] {
  if (!(pgid > 0)) return [];
  return stats.filter((s) => s.pgrp === pgid && !isZombie(s)).map((s) => ({ pid: s.pid, starttime: s.starttime }));
}

/** True when the process still exists, is not a zombie, and is the same one (same start time). */
// No /proc root parameter: it is passed to Array#some and #filter as it is.
export function sameProcess(p: ProcessIdentity): boolean {
  return liveStat(p.pid)?.starttime === p.starttime;
}

/** Sends a signal (0: only checks), ignoring a target that is gone or not ours; true when delivered. */
export function sendSignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process is left in process group PGID. */
export function groupAlive(pgid: number): boolean {
  return pgid > 0 && sendSignal(-pgid, 0);
}

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

let bootMs: number | undefined;

/** When the machine booted (ms since the epoch), from /proc/stat's btime; 0 when unknown. */
export function bootTimeMs(root = PROC): number {
  if (bootMs === undefined || root !== PROC) {
    const btime = /^btime (\d+)$/m.exec(readText(`${root}/stat`) ?? '')?.[1];
    const ms = Number(btime ?? 0) * 1000;
    if (root !== PROC) return ms;
    bootMs = ms;
  }
  return bootMs;
}

/** When a process started (ms since the epoch), from its stat's start time. */
export function startedAtMs(stat: ProcStat, root = PROC): number {
  return bootTimeMs(root) + (stat.starttime * 1000) / TICKS_PER_SECOND;
}

/**
 * Live leaders of their own session and process group that started at SINCEMS or later (each
 * ./run is one from its spawn on: a session leader cannot leave its session or group).
 */
export function sessionLeadersSince(sinceMs: number, stats: readonly ProcStat[] = readAllStats()): ProcessIdentity[] {
  return stats
    .filter((s) => !isZombie(s) && s.session === s.pid && s.pgrp === s.pid && startedAtMs(s) >= sinceMs)
    .map((s) => ({ pid: s.pid, starttime: s.starttime }));
}

/** This boot's id (it changes at each boot, when start times begin again); undefined when unknown. */
export function bootId(root = PROC): string | undefined {
  return readText(`${root}/sys/kernel/random/boot_id`)?.trim();
}

/** The device and inode of a process's working directory, undefined when gone or not ours to see. */
export function cwdIdentity(pid: number, root = PROC): { dev: number; ino: number } | undefined {
  try {
    const { dev, ino } = statSync(`${root}/${pid}/cwd`);
    return { dev, ino };
  } catch {
    return undefined;
  }
}

/** The path of a process's working directory, undefined when gone or not ours to see. */
export function readCwd(pid: number, root = PROC): string | undefined {
  try {
    return readlinkSync(`${root}/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** What each open descriptor of a process points at (`socket:[123]`, a path), by number. */
export function readDescriptors(pid: number | 'self', root = PROC): Map<number, string> | undefined {
  let names: string[];
  try {
    names = readdirSync(`${root}/${pid}/fd`);
  } catch {
    return undefined;
  }
  const targets = new Map<number, string>();
  for (const name of names) {
    try {
      targets.set(Number(name), readlinkSync(`${root}/${pid}/fd/${name}`));
    } catch {
      // closed meanwhile
    }
  }
  return targets;
}

/** The open flags of descriptor FD of a process (/proc/PID/fdinfo/FD, `flags:` in octal). */
export function readDescriptorFlags(fd: number, pid: number | 'self' = 'self', root = PROC): number | undefined {
  const m = /^flags:\s*([0-7]+)$/m.exec(readText(`${root}/${pid}/fdinfo/${fd}`) ?? '');
  return m ? Number.parseInt(m[1]!, 8) : undefined;
}

/**
 * The soft limit of a resource as /proc/PID/limits names it (`Max stack size`): a number,
 * Infinity for `unlimited`, undefined when unknown.
 */
export function readSoftLimit(name: string, pid: number | 'self' = 'self', root = PROC): number | undefined {
  const text = readText(`${root}/${pid}/limits`);
  const line = text?.split('\n').find((l) => l.startsWith(`${name} `));
  const soft = line?.slice(name.length).trim().split(/\s+/)[0];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** Whether /proc shows this process's PID namespace: /proc/self names our own pid. */
export function procIsOurs(root = PROC): boolean {
  try {
    return readlinkSync(`${root}/self`) === String(process.pid);
  } catch {
    return false;
  }
}

/**
 * The pids holding an flock on the file with inode INODE, per /proc/locks
 * (`1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF`; waiters have `->` and are left out).
 */
export function flockHolders(inode: number, root = PROC): number[] | undefined {
  const text = readText(`${root}/locks`);
  if (text === undefined) return undefined;
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] === 'FLOCK' && f[5]?.split(':')[2] === String(inode)) pids.push(Number(f[4]));
  }
  return pids;
}

const INTERPRETERS = /^(node|nodejs|node\d+)$/;

/**
 * The name a person knows a program by, from its arguments: the base name of argv[0], or for a
 * Node program (`node [OPTIONS] /path/bin/tcpserver.js ...`) its script's, without `.js`/`.mjs`
 * /`.cjs` (Node's own thread name, MainThread, says nothing). COMM when there are no arguments.
 */
export function programName(argv: readonly string[], comm: string): string {
  const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
  const first = argv[0];
  if (first === undefined || first === '') return comm;
  const name = base(first);
  if (!INTERPRETERS.test(name)) return name;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    // Node's options that take their value as the next argument.
    if (/^(-r|--require|--import|--loader|--experimental-loader|--conditions|-C)$/.test(arg)) {
      i++;
      continue;
    }
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') return name;
    if (arg.startsWith('-')) continue;
    return base(arg).replace(/\.(c|m)?js$/, '') || name;
  }
  return name;
}
