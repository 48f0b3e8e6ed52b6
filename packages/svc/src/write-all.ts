// Writes all of a buffer as a blocking write(2) would, even to a non-blocking descriptor
// (supervise/control is opened O_NONBLOCK; 0.76 switches it to blocking before writing).
import { writeSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes DATA completely; a full pipe (EAGAIN) is waited on in 5 ms steps; other errors throw. */
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
