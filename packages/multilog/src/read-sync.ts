// Blocking reads of fd 0 for the filters, which need no signal handling while they wait.
import { readSync } from 'node:fs';
import { sleepSync } from './pause.js';

/** Reads up to `length` bytes; 0 at end of input. A non-blocking descriptor is waited on. */
export function readBlocking(fd: number, buf: Buffer, length: number): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') sleepSync(5);
      else if (code !== 'EINTR') throw err;
    }
  }
}
