// Synchronous writes that finish the job: partial writes continue, EAGAIN waits a moment.
import { writeSync } from 'node:fs';
import { sleepSync } from './pause.js';

/** Writes `buf[start..end)` to `fd` completely; throws on errors other than EAGAIN/EINTR. */
export function writeAll(fd: number, buf: Uint8Array, start: number, end: number): void {
  while (start < end) {
    try {
      start += writeSync(fd, buf, start, end - start);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') sleepSync(2);
      else if (code !== 'EINTR') throw err;
    }
  }
}
