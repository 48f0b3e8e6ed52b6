// Stopping one service the way its log survives: `dx` to the service's supervisor; once the
// service is down, svscan lets go of the log FIFO and sends `x` to the logger's supervisor, so
// the logger reads what is left, sees end of file and exits; `dx` if it has not after a while.
import type { Entry } from './entry.js';

/** Takes the next step; true once both supervisors are gone. Call again until it is. */
export function advanceStop(entry: Entry, drainTimeoutMs: number, now = Date.now()): boolean {
  const service = entry.service;
  if (entry.alive('service')) {
    if (!service.stopSent) service.stopSent = service.supervision!.control('dx') === 'sent';
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
    } else if (log.stopSentAt > 0 && now - log.stopSentAt > drainTimeoutMs) {
      log.stopSentAt = 0;
      log.supervision!.control('dx');
    }
    return false;
  }
  return true;
}
