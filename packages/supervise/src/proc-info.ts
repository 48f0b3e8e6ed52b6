// Small /proc readers: is a pid alive, which process group is it in (guards against pid reuse
// before signalling a process this supervise did not start itself).
const { readdirSync, readFileSync } = process.getBuiltinModule('node:fs');

/** Process group of `pid` from /proc/PID/stat, undefined when it is gone (or a zombie). */
export function processGroupOf(pid: number): number | undefined {
  if (!(pid > 0)) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // comm may contain spaces and parentheses: fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return Number(fields[2]);
  } catch {
    return undefined;
  }
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

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
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
    if (!f || f[0] === 'Z') continue;
    const ppid = Number(f[1]);
    const list = children.get(ppid) ?? [];
    list.push({ pid, start: f[19] ?? '' });
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

/** True when the process still exists and is the same one (same start time). */
export function sameProcess(p: ProcessIdentity): boolean {
  const f = statFields(p.pid);
  return f !== undefined && f[0] !== 'Z' && f[19] === p.start;
}
