// setlock's lock: a file opened for appending and flock()ed, kept open across exec.

import { FortressError } from '@fortress/core/errors';
import { loadLibc } from './load-libc.js';
import { fs } from './node-fs.js';

/**
 * Opens `file` (created mode 0600, never truncated) and takes an exclusive flock, waiting for it
 * unless `wait` is false. The descriptor is left without close-on-exec, so the program exec'd
 * next holds the lock, as do its children that keep the descriptor, until they all exit.
 * Returns the descriptor; throws a FortressError (ERR_LOCK): `unable to open FILE` / `unable to
 * lock FILE`. libc bindings are loaded here, only by setlock.
 */
export async function takeLock(file: string, wait: boolean): Promise<number> {
  let fd: number;
  try {
    fd = fs.openSync(
      file,
      fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NONBLOCK,
      0o600,
    );
  } catch (err) {
    throw new FortressError('ERR_LOCK', `unable to open ${file}`, err);
  }
  const { flock, LOCK_EX, LOCK_NB, setCloseOnExec } = await loadLibc();
  try {
    flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB);
  } catch (err) {
    fs.closeSync(fd);
    throw new FortressError('ERR_LOCK', `unable to lock ${file}`, err);
  }
  // Node opens every file O_CLOEXEC; process.execve keeps descriptors that lack it.
  setCloseOnExec(fd, false);
  return fd;
}
