// Stopping one service the way its log survives: a tree stop to the service's supervisor; once
// the service is down, svscan lets go of the log FIFO and sends `x` to the logger's supervisor,
// so the logger reads what is left, sees end of file and exits; a tree stop if it has not after
// a while. A tree stop ends within the grace time: fortress's supervise enforces it itself
// (SIGTERM, or shutdown() in one-process mode); for a supervisor only reachable through its
// FIFO (`dx`: Debian's supervise, say) svscan sends SIGKILL to ./run itself once it has passed.
import type { Entry, Slot } from './entry.js';
import { killOverdueRun, stopDeadline } from './overdue.js';

export interface StopTimes {
  /** How long a stopping logger may take to drain its pipe before it is stopped (ms). */
  drainTimeoutMs: number;
  /** The tree stop's grace time (ms), FORTRESS_KILL_GRACETIME. */
  killGraceMs: number;
  /** Says which service was killed and why. */
  warn: (text: string) => void;
}

/** Takes the next step; true once both supervisors are gone. Call again until it is. */
export function advanceStop(entry: Entry, times: StopTimes, now = Date.now()): boolean {
  const service = entry.service;
  if (entry.alive('service')) {
    if (!service.stopSent) sendStop(service, now);
    else enforceDeadline(entry.dir, entry.name, service, times, now);
    return false;
  }
  if (entry.hasLog && entry.alive('log')) {
    const log = entry.log;
    if (!log.stopSent) {
      entry.releaseFifo();
      if (log.supervision!.control('x') === 'sent') {
        log.stopSent = true;
        log.stopSentAt = now;
      }
    } else if (!log.drainEnded && now - log.stopSentAt > times.drainTimeoutMs) {
      log.drainEnded = true;
      log.stopSent = false;
      sendStop(log, now);
    } else if (log.drainEnded) {
      enforceDeadline(`${entry.dir}/log`, `${entry.name}/log`, log, times, now);
    }
    return false;
  }
  return true;
}

function sendStop(slot: Slot, now: number): void {
  const result = slot.supervision!.stop();
  if (result === 'not-running' || result === 'failed') return;
  slot.stopSent = true;
  slot.stopSentAt = now;
  slot.stopByFifo = result === 'sent';
}

// Only for supervisors told by `dx`: the others enforce the deadline themselves. Again after
// each deadline: a supervise that had not read its `d` yet may have started ./run again.
function enforceDeadline(dir: string, name: string, slot: Slot, times: StopTimes, now: number): void {
  if (!slot.stopByFifo) return;
  const ms = stopDeadline(dir, times.killGraceMs);
  if (now - slot.stopSentAt <= ms) return;
  slot.stopSentAt = now;
  const what = killOverdueRun(dir);
  if (what !== undefined) times.warn(`${name} did not stop within ${ms} ms: sent SIGKILL to ${what}`);
}
