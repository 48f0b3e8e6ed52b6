// How svc, svstat and svok touch a service directory, as daemontools does after chdir(DIR):
// DIR is used exactly as typed, supervise/control and supervise/ok are opened
// O_WRONLY|O_NONBLOCK (a FIFO nobody reads fails at once with ENXIO: "supervise not running"),
// and writes behave as blocking writes. One module so that start-up loads few files.
import { accessSync, closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { errorCode, SystemError } from '@fortress/core/errors';

/** DIR/NAME as one string the kernel resolves exactly like NAME after chdir(DIR). */
export function inService(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** Throws what chdir(DIR) would fail with: ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG... */
export function checkChdir(dir: string): void {
  if (dir === '') throw new SystemError('chdir', osConstants.errno.ENOENT);
  const st = statSync(dir);
  if (!st.isDirectory()) throw new SystemError('chdir', osConstants.errno.ENOTDIR);
  accessSync(dir, constants.X_OK);
}

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

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes DATA completely, as a blocking write(2) would even on a non-blocking descriptor (0.76
 * switches supervise/control to blocking before writing): a full pipe (EAGAIN) is waited on in
 * 5 ms steps; other errors throw.
 */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  do {
    try {
      done += writeSync(fd, data, done, data.length - done);
    } catch (err) {
      if (errorCode(err) !== 'EAGAIN') throw err;
      Atomics.wait(sleeper, 0, 0, 5);
    }
  } while (done < data.length);
}
