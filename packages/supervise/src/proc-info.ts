// Small /proc readers: is a pid alive, which process group is it in, when did it start (guards
// against pid reuse before signalling a process this supervise did not start itself).
const { readdirSync, readFileSync } = process.getBuiltinModule('node:fs');

// Fields of /proc/PID/stat counted from the state (the first field after the command name).
const STATE = 0;
const PPID = 1;
const PGRP = 2;
const SESSION = 3;
const START_TIME = 19;

/** Process group of `pid` from /proc/PID/stat, undefined when it is gone (or a zombie). */
export function processGroupOf(pid: number): number | undefined {
  if (!(pid > 0)) return undefined;
  const fields = statFields(pid);
  if (!fields || fields[STATE] === 'Z' || fields[STATE] === 'X') return undefined;
  return Number(fields[PGRP]);
}

/** Sends a signal, ignoring ESRCH; true when it was delivered. */
export function sendSignal(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process is left in process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  return pgid > 0 && sendSignal(-pgid, 0);
}

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22): pid reuse changes it. */
  start: string;
}

/** A live (not zombie) process as /proc shows it: its identity, group and session. */
export interface ProcessState extends ProcessIdentity {
  pgid: number;
  sid: number;
}

/** Identity, group and session of `pid`; undefined when it is gone or a zombie. */
export function processState(pid: number): ProcessState | undefined {
  if (!(pid > 0)) return undefined;
  const f = statFields(pid);
  if (!f || f[STATE] === 'Z' || f[STATE] === 'X') return undefined;
  return { pid, start: f[START_TIME] ?? '', pgid: Number(f[PGRP]), sid: Number(f[SESSION]) };
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // comm may contain spaces and parentheses: fields after the last ')' are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (children, grandchildren, ...), found by one /proc scan. */
export function descendantsOf(root: number): ProcessIdentity[] {
  const children = new Map<number, ProcessIdentity[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const f = statFields(pid);
    if (!f || f[STATE] === 'Z') continue;
    const ppid = Number(f[PPID]);
    const list = children.get(ppid) ?? [];
    list.push({ pid, start: f[START_TIME] ?? '' });
    children.set(ppid, list);
  }
  const found: ProcessIdentity[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Every live member of process group `pgid`, found by one /proc scan. */
export function membersOf(pgid: number): ProcessIdentity[] {
  const found: ProcessIdentity[] = [];
  if (!(pgid > 0)) return found;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of entries) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const f = statFields(pid);
    if (f && f[STATE] !== 'Z' && Number(f[PGRP]) === pgid) found.push({ pid, start: f[START_TIME] ?? '' });
  }
  return found;
}

let bootMs: number | undefined;

// Boot time (ms since the epoch) from /proc/stat's btime: start times are ticks since boot.
function bootTimeMs(): number {
  if (bootMs === undefined) {
    try {
      bootMs = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'))?.[1] ?? 0) * 1000;
    } catch {
      bootMs = 0;
    }
  }
  return bootMs;
}

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Live leaders of their own session and process group that started at `sinceMs` or later. */
export function sessionLeadersSince(sinceMs: number): ProcessIdentity[] {
  const found: ProcessIdentity[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  const boot = bootTimeMs();
  for (const name of entries) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const f = statFields(pid);
    if (!f || f[STATE] === 'Z' || Number(f[SESSION]) !== pid || Number(f[PGRP]) !== pid) continue;
    const start = f[START_TIME] ?? '';
    if (boot + (Number(start) * 1000) / TICKS_PER_SECOND >= sinceMs) found.push({ pid, start });
  }
  return found;
}

/** True when the process still exists and is the same one (same start time). */
export function sameProcess(p: ProcessIdentity): boolean {
  const f = statFields(p.pid);
  return f !== undefined && f[STATE] !== 'Z' && f[STATE] !== 'X' && f[START_TIME] === p.start;
}
