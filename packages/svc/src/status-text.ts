// svstat's text, byte for byte as daemontools 0.76 prints it, rendered from core's inspection.
import type { ExtraStatus } from '@fortress/core/extra-status';
import type { ServiceInspection } from '@fortress/core/service-inspect';
import { elapsedSeconds, STATUS_SIZE, type StatusFields, statusFields } from '@fortress/core/status-record';

/** `up (pid P) S seconds[, normally down][, paused][, want down]` or `down S seconds[, normally up][, want up]`. */
export function statusText(record: StatusFields, normallyUp: boolean, nowUnixSeconds: number): string {
  const up = record.pid !== 0;
  const seconds = elapsedSeconds(record.tai, nowUnixSeconds);
  let text = up ? `up (pid ${record.pid}) ${seconds} seconds` : `down ${seconds} seconds`;
  if (up && !normallyUp) text += ', normally down';
  if (!up && normallyUp) text += ', normally up';
  if (up && record.paused) text += ', paused';
  if (!up && record.want === 'up') text += ', want up';
  if (up && record.want === 'down') text += ', want down';
  return text;
}

/**
 * svstat's lines for directories inspected one after another. Like 0.76 it keeps the status
 * bytes of every DIR in one buffer: a status file that opens but cannot be read (a directory)
 * shows what the buffer held before (zeros for the first DIR), as the original does. A record
 * whose stamp is garbage prints what 0.76 prints (the JSON calls it bad format).
 */
export class StatusLines {
  private readonly buffer = Buffer.alloc(STATUS_SIZE);

  line(inspection: ServiceInspection, nowUnixSeconds: number): string {
    if (inspection.statusBytes) inspection.statusBytes.copy(this.buffer);
    const { error, record, normallyUp } = inspection;
    if (error?.step === 'read-status')
      return statusText(statusFields(this.buffer)!, normallyUp ?? true, nowUnixSeconds);
    if (record) return statusText(record, normallyUp ?? true, nowUnixSeconds) + stateSuffix(inspection, nowUnixSeconds);
    return error?.text ?? '';
  }
}

/**
 * What fortress's supervise adds to the 0.76 line, from a current status.json only (so never for
 * daemontools' supervise): `, ready N seconds` while up and ready, for services that use
 * readiness (as s6-svstat); `, failed` while down for good after ./finish exited 125;
 * `, waiting for NAME[, NAME]` while ./run waits for what it needs (needs/), a name that failed
 * for good followed by ` (failed)`.
 */
export function stateSuffix(inspection: ServiceInspection, nowUnixSeconds: number): string {
  const { extra, pid } = inspection;
  if (!extra) return '';
  if (pid !== 0 && extra.ready === true && typeof extra.readySince === 'number') {
    return `, ready ${Math.max(0, nowUnixSeconds - Math.floor(extra.readySince / 1000))} seconds`;
  }
  if (pid === 0 && extra.state === 'failed') return ', failed';
  if (pid === 0 && extra.state === 'waiting' && extra.waitingFor?.length) return waitingText(extra);
  return '';
}

/** `, waiting for db, cache (failed)`: the needs/ not yet satisfied, those failed for good marked. */
function waitingText(extra: ExtraStatus): string {
  const failed = new Set(extra.failedNeeds ?? []);
  const names = (extra.waitingFor ?? []).map((name) => (failed.has(name) ? `${name} (failed)` : name));
  return `, waiting for ${names.join(', ')}`;
}

/** Whole seconds of the wall clock, as time(2). */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
