// The service-to-logger pipe (ARCHITECTURE.md, "The log pipe"). A FIFO in the service's supervise/
// directory, so a new svscan after a crash reopens the very pipe the running service and logger
// still share. svscan holds it open read-write for the life of the entry (no EOF for the
// logger, no SIGPIPE for the service) and hands each child a one-direction descriptor of its
// own, so that once svscan lets go and the service is down the logger reads what is left and
// then sees end of file.
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '@fortress/core/errors';
import { mkfifo } from '@fortress/core/libc';
import { makeSuperviseDir } from '@fortress/supervise/service-files';

export const LOG_FIFO = 'log.fifo';

/** DIR/supervise/log.fifo. */
export function logFifoPath(serviceDir: string): string {
  return join(serviceDir, 'supervise', LOG_FIFO);
}

/** Creates (if needed) and opens the FIFO read-write; returns the holder descriptor. */
export function openLogFifo(serviceDir: string): number {
  const path = logFifoPath(serviceDir);
  makeSuperviseDir(serviceDir); // a failure shows in mkfifo's
  try {
    mkfifo(path, 0o600);
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
  }
  // O_RDWR on a FIFO never blocks on Linux: this process is both a reader and a writer.
  return openSync(path, constants.O_RDWR);
}

/** A descriptor for one end, to pass to a child; close it once the child is spawned. */
export function openLogEnd(serviceDir: string, end: 'read' | 'write'): number {
  // Does not block: the holder descriptor already provides the other end.
  return openSync(logFifoPath(serviceDir), end === 'read' ? constants.O_RDONLY : constants.O_WRONLY);
}

export function closeQuietly(fd: number | undefined): void {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
