// How svscan asks a supervisor it does not host to stop its service for good. fortress's
// supervise takes SIGTERM as a tree stop with a deadline (SIGKILL after the grace time); other
// supervise programs (Debian's dies of SIGTERM and leaves ./run running) get `dx` through the
// control FIFO, as 0.76 would, and svscan enforces the deadline itself (stop-sequence.ts).
import { readExtraStatus } from '@fortress/core/extra-status';
import { flockHolders, sendSignal } from '@fortress/core/proc';
import { type ControlResult, sendControl } from './control.js';

const { statSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/** 'signalled': a fortress supervise took SIGTERM and enforces the deadline itself. */
export type StopResult = ControlResult | 'signalled';

/** SIGTERM to `pid` when it is fortress's supervise on DIR (see below), else `dx`. */
export function stopSupervisor(dir: string, pid: number | undefined): StopResult {
  const supervisor = pid ?? readExtraStatus(dir)?.supervisor;
  if (supervisor !== undefined && isFortressSupervisor(dir, supervisor) && sendSignal(supervisor, 'SIGTERM')) {
    return 'signalled';
  }
  return sendControl(dir, 'dx');
}

/**
 * True when `pid` holds DIR/supervise/lock (per /proc/locks) and is the supervisor that
 * DIR/supervise/status.json names: only fortress's supervise writes that file, with its pid.
 */
export function isFortressSupervisor(dir: string, pid: number): boolean {
  if (!(pid > 0) || pid === process.pid || readExtraStatus(dir)?.supervisor !== pid) return false;
  let inode: number;
  try {
    inode = statSync(join(dir, 'supervise', 'lock')).ino;
  } catch {
    return false;
  }
  return flockHolders(inode)?.includes(pid) ?? false;
}
