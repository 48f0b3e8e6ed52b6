// svscan's own deadline for a service stopped through its FIFO only (`dx` to a supervise that
// is not fortress's, which would not enforce one): once it has passed, SIGKILL to the ./run
// that supervise/status names, so the stop of the tree ends.

import { processGroupOf, sendSignal } from '@fortress/core/proc';
import { decodeStatus } from '@fortress/core/status-record';
import { readTimeoutFile } from '@fortress/supervise/escalation';

const { readFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** `timeout-kill` ms when DIR has that file (it wins), else the grace time. */
export function stopDeadline(dir: string, graceMs: number): number {
  const ms = readTimeoutFile(dir, 'timeout-kill', 0);
  return ms > 0 ? ms : graceMs;
}

/**
 * SIGKILL to the ./run DIR/supervise/status names (a live supervise's child: its pid cannot
 * have been reused): to its process group when it leads one (fortress's supervise), else to
 * its pid (Debian's supervise runs ./run in its own group). Says what it killed, if anything.
 */
export function killOverdueRun(dir: string): string | undefined {
  let pid: number;
  try {
    pid = decodeStatus(readFileSync(join(dir, 'supervise', 'status')))?.pid ?? 0;
  } catch {
    return undefined;
  }
  const pgid = processGroupOf(pid);
  if (pgid === undefined) return undefined;
  if (pgid === pid && sendSignal(-pid, 'SIGKILL')) return `process group ${pid}`;
  return sendSignal(pid, 'SIGKILL') ? `pid ${pid}` : undefined;
}
