// Opening supervise/control and supervise/ok as daemontools does: O_WRONLY|O_NONBLOCK, so that a
// FIFO nobody reads fails at once with ENXIO ("supervise not running") instead of blocking.
import { closeSync, constants, openSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';

/** Opens PATH for writing without blocking; throws the open error (ENXIO: no reader). */
export function openWriteNonBlocking(path: string): number {
  return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
}

/** True when an open error means nobody holds the FIFO open for reading. */
export function isNoReader(err: unknown): boolean {
  return errorCode(err) === 'ENXIO';
}

/** Checks that PATH can be opened for writing without blocking, and closes it again. */
export function probeWritable(path: string): void {
  closeSync(openWriteNonBlocking(path));
}
