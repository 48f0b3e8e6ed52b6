// The libc calls supervise needs (flock, mkfifo, waitpid), through core's libc module, kept
// behind this file so the rest of the package sees only the operations it uses.
import { errorCode } from '@fortress/core/errors';
import { flock, LOCK_EX, LOCK_NB, mkfifo, WNOHANG, waitpid } from '@fortress/core/libc';

/** Takes an exclusive non-blocking flock; false when another open file description holds it. */
export function tryLockExclusive(fd: number): boolean {
  try {
    flock(fd, LOCK_EX | LOCK_NB);
    return true;
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
    throw err;
  }
}

/** mkfifo(path, mode); an existing file is left alone (EEXIST ignored, as 0.76 does). */
export function makeFifo(path: string, mode: number): void {
  try {
    mkfifo(path, mode);
  } catch (err) {
    if (errorCode(err) !== 'EEXIST') throw err;
  }
}

/** Reaps `pid` if it is a child of this process (an orphan handed to a subreaper); else nothing. */
export function reapIfOurs(pid: number): void {
  try {
    waitpid(pid, WNOHANG);
  } catch {
    // ECHILD: not ours, its parent reaps it
  }
}
