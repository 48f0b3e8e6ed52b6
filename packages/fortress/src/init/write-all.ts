// One buffer to a descriptor, whole, even when the descriptor is non-blocking (a container's
// stdout may be): EAGAIN waits a millisecond and tries again. A closed stdout drops the data.
import { errorCode } from '@fortress/core/errors';

const { writeSync } = process.getBuiltinModule('node:fs');
const pause = new Int32Array(new SharedArrayBuffer(4));

export function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) {
    try {
      done += writeSync(fd, data, done);
    } catch (err) {
      if (errorCode(err) !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
