// Stop escalation: SIGKILL to what is left of ./run's process group and to its descendants,
// including those that left the group: the ones seen when the stop began (a /proc snapshot,
// checked against pid reuse) and, while ./run itself still lives, its whole tree as /proc shows
// it then (one walk of /proc: tree-kill's `ps` per process took 100 times longer). After `svc -d` only when a `timeout-kill` file says so
// (0.76 waits forever); in a tree stop (supervise's SIGTERM, svscan's) always, after
// `timeout-kill` ms or else the tree's grace time.
import {
  descendantsOf,
  groupAlive,
  membersOf,
  type ProcessIdentity,
  sameProcess,
  sendSignal,
} from '@fortress/core/proc';

const { readFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** Default time a tree stop gives a service between SIGTERM and SIGKILL (s6-overlay's too). */
export const KILL_GRACE_MS = 3000;
/** The environment variable that overrides it (milliseconds), like s6-overlay's S6_KILL_GRACETIME. */
export const KILL_GRACE_ENV = 'FORTRESS_KILL_GRACETIME';

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

/** The tree stop's grace time from FORTRESS_KILL_GRACETIME (decimal ms), else KILL_GRACE_MS. */
export function killGraceFrom(env: NodeJS.ProcessEnv): number {
  const text = env[KILL_GRACE_ENV]?.trim();
  return text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : KILL_GRACE_MS;
}

/**
 * Whether anything of a stopped service is left: a descendant seen at `d`, or a live member of
 * its process group (zombies not counted: they are dead, only not yet reaped by their parent;
 * the /proc scan runs only when the group is not empty).
 */
export function remnantsAlive(pgid: number, seen: readonly ProcessIdentity[]): boolean {
  return seen.some(sameProcess) || (groupAlive(pgid) && membersOf(pgid).length > 0);
}

/** SIGTERM then SIGCONT to what is left once ./run is gone (its group, the descendants seen). */
export function terminateRemnants(pgid: number, seen: readonly ProcessIdentity[]): void {
  for (const signal of ['SIGTERM', 'SIGCONT'] as const) {
    for (const p of seen) if (sameProcess(p)) sendSignal(p.pid, signal);
    if (groupAlive(pgid)) sendSignal(-pgid, signal);
  }
}

/** SIGKILL to `pid`'s whole tree (when `pidAlive`), to process group `pgid`, and to `seen`. */
export function killEverything(pid: number, pgid: number, pidAlive: boolean, seen: readonly ProcessIdentity[]): void {
  for (const p of seen) if (sameProcess(p)) sendSignal(p.pid, 'SIGKILL');
  if (pidAlive && pid > 0) {
    // ./run first: it can fork no more; then what it had (still linked to it while it lives).
    const tree = descendantsOf(pid);
    sendSignal(pid, 'SIGKILL');
    for (const p of tree) sendSignal(p.pid, 'SIGKILL');
  }
  if (groupAlive(pgid)) sendSignal(-pgid, 'SIGKILL');
}
