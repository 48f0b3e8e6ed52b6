// Talking to a supervise through its FIFOs, as svc and svok do: a non-blocking open for
// writing fails with ENXIO when no supervise holds the other end.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '@fortress/core/errors';

const WRITE_NONBLOCK = constants.O_WRONLY | constants.O_NONBLOCK;

/** True when a supervise holds DIR/supervise/ok open (svok's test). */
export function isSupervised(serviceDir: string): boolean {
  try {
    closeSync(openSync(join(serviceDir, 'supervise', 'ok'), WRITE_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

export type ControlResult = 'sent' | 'not-running' | 'failed';

/** Writes control letters (`dx`, `x`) to DIR/supervise/control. */
export function sendControl(serviceDir: string, letters: string): ControlResult {
  let fd: number;
  try {
    fd = openSync(join(serviceDir, 'supervise', 'control'), WRITE_NONBLOCK);
  } catch (err) {
    const code = errorCode(err);
    return code === 'ENXIO' || code === 'ENOENT' ? 'not-running' : 'failed';
  }
  try {
    writeSync(fd, letters);
    return 'sent';
  } catch {
    return 'failed';
  } finally {
    closeSync(fd);
  }
}
