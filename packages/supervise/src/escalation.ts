// Stop escalation (`svc -d` with a `timeout-kill` file): after the timeout, SIGKILL to what is
// left of ./run's process group and to its descendants, including those that left the group:
// the ones seen at `d` time (a /proc snapshot, checked against pid reuse) and, while ./run
// itself still lives, its whole tree (tree-kill, imported only here, only when needed).
import { groupAlive, type ProcessIdentity, sameProcess, sendSignal } from './proc-info.js';

const { readFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** Milliseconds from DIR/NAME (s6's `timeout-kill`, `timeout-finish`); `fallback` when absent or invalid. */
export function readTimeoutFile(dir: string, name: string, fallback: number): number {
  try {
    const text = readFileSync(join(dir, name), 'latin1').trim();
    if (!/^\d+$/.test(text)) return fallback;
    return Number(text);
  } catch {
    return fallback;
  }
}

/** Whether anything of a stopped service is left: its process group or a descendant seen at `d`. */
export function remnantsAlive(pgid: number, seen: readonly ProcessIdentity[]): boolean {
  return groupAlive(pgid) || seen.some(sameProcess);
}

/** SIGKILL to `pid`'s whole tree (when `pidAlive`), to process group `pgid`, and to `seen`. */
export async function killEverything(
  pid: number,
  pgid: number,
  pidAlive: boolean,
  seen: readonly ProcessIdentity[],
): Promise<void> {
  for (const p of seen) if (sameProcess(p)) sendSignal(p.pid, 'SIGKILL');
  if (pidAlive && pid > 0) {
    const { default: treeKill } = await import('tree-kill');
    await new Promise<void>((done) => treeKill(pid, 'SIGKILL', () => done()));
    sendSignal(pid, 'SIGKILL');
  }
  if (groupAlive(pgid)) sendSignal(-pgid, 'SIGKILL');
}
