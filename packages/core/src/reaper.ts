// Reaps orphans: the zombies a process inherits as PID 1 of a namespace or as a subreaper
// (PR_SET_CHILD_SUBREAPER). On each SIGCHLD, and every few seconds in case one was missed, it
// lists this process's zombie children (one /proc pass in the addon) and waits for each pid
// nobody claimed (child-registry.ts). Never waitpid(-1): that would take the statuses of
// supervise's ./run and of Node's own children from their owners.
import { isClaimedChild } from './child-registry.js';
import { WNOHANG, waitpid, zombieChildren } from './libc.js';

export interface Reaper {
  /** Reaps what is there now; returns how many. */
  reapNow(): number;
  /** How many orphans have been reaped since the start. */
  readonly reaped: number;
  stop(): void;
}

export const REAP_SAFETY_INTERVAL_MS = 2000;

export function startReaper(intervalMs = REAP_SAFETY_INTERVAL_MS): Reaper {
  let reaped = 0;
  let queued = false;
  const reapNow = (): number => {
    let count = 0;
    for (const pid of zombieChildren(process.pid)) {
      if (isClaimedChild(pid)) continue;
      try {
        if (waitpid(pid, WNOHANG)[0] === pid) count++;
      } catch {
        // ECHILD: its owner was quicker.
      }
    }
    reaped += count;
    return count;
  };
  // SIGCHLD signals coalesce, and so do our scans: one per turn of the loop.
  const onChild = (): void => {
    if (queued) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      reapNow();
    });
  };
  process.on('SIGCHLD', onChild);
  const timer = setInterval(reapNow, intervalMs);
  timer.unref();
  reapNow();
  return {
    reapNow,
    get reaped() {
      return reaped;
    },
    stop() {
      process.off('SIGCHLD', onChild);
      clearInterval(timer);
    },
  };
}
