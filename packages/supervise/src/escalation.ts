// Stop escalation (`svc -d` with a `timeout-kill` file): after the timeout, SIGKILL to what is
// left of ./run's process group, and to descendants that left the group (found by tree-kill
// while the main process still lives). tree-kill is imported only here, only when needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupAlive, sendSignal } from './proc-info.js';

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

/** SIGKILL to `pid`'s whole tree (when `pidAlive`) and to process group `pgid`. */
export async function killEverything(pid: number, pgid: number, pidAlive: boolean): Promise<void> {
  if (pidAlive && pid > 0) {
    const { default: treeKill } = await import('tree-kill');
    await new Promise<void>((done) => treeKill(pid, 'SIGKILL', () => done()));
    sendSignal(pid, 'SIGKILL');
  }
  if (groupAlive(pgid)) sendSignal(-pgid, 'SIGKILL');
}
