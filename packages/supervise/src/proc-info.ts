// Small /proc readers: is a pid alive, which process group is it in (guards against pid reuse
// before signalling a process this supervise did not start itself).
import { readFileSync } from 'node:fs';

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
