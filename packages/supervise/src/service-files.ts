// Opens what supervise holds in DIR/supervise/, in daemontools 0.76's order (its error messages
// depend on it): stat DIR, stat down, mkdir supervise, lock, control FIFO (read, then write),
// ok FIFO; then fortress's run.id, the record of the current ./run (see run-record.ts).
import { FortressError } from '@fortress/core/errors';
import { EVENT_DIR, makeFifodir } from '@fortress/core/fifodir';
import { makeFifo, tryLockExclusive } from './libc-ops.js';
import { RUN_RECORD_FILE } from './run-record.js';

const { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, statSync } =
  process.getBuiltinModule('node:fs');
const { dirname, join, resolve } = process.getBuiltinModule('node:path');

const { O_RDONLY, O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_NONBLOCK } = constants;

export interface ServiceFiles {
  /** DIR/down existed at start-up. */
  normallyDown: boolean;
  lockFd: number;
  controlReadFd: number;
  controlWriteFd: number;
  okFd: number;
  /** DIR/supervise/run.id, read-write, close-on-exec: never inherited by ./run. */
  runRecordFd: number;
}

/** Opens and locks everything; throws a FortressError (ERR_SETUP) with 0.76's message. Closes what it opened on failure. */
export function openServiceFiles(dir: string, name = dir): ServiceFiles {
  const opened: number[] = [];
  const open = (path: string, flags: number, mode?: number): number => {
    const fd = openSync(path, flags, mode);
    opened.push(fd);
    return fd;
  };
  const attempt = <T>(text: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw new FortressError('ERR_SETUP', text, err);
    }
  };
  try {
    attempt(`unable to chdir to ${name}`, () => checkDirectory(dir));
    const normallyDown = attempt(`unable to stat ${name}/down`, () => exists(join(dir, 'down')));
    makeSuperviseDir(dir);
    makeLinkTarget(join(dir, EVENT_DIR), makeFifodir);
    const sup = join(dir, 'supervise');
    const lockFd = attempt(`unable to acquire ${name}/supervise/lock`, () => {
      const fd = open(join(sup, 'lock'), O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK, 0o600);
      if (!tryLockExclusive(fd)) throw Object.assign(new Error('locked'), { code: 'EAGAIN' });
      return fd;
    });
    const controlReadFd = attempt(`unable to read ${name}/supervise/control`, () => {
      makeFifo(join(sup, 'control'), 0o600);
      return open(join(sup, 'control'), O_RDONLY | O_NONBLOCK);
    });
    const controlWriteFd = attempt(`unable to write ${name}/supervise/control`, () =>
      open(join(sup, 'control'), O_WRONLY | O_NONBLOCK),
    );
    const okFd = attempt(`unable to read ${name}/supervise/ok`, () => {
      makeFifo(join(sup, 'ok'), 0o600);
      return open(join(sup, 'ok'), O_RDONLY | O_NONBLOCK);
    });
    const runRecordFd = attempt(`unable to open ${name}/supervise/${RUN_RECORD_FILE}`, () =>
      open(join(sup, RUN_RECORD_FILE), O_RDWR | O_CREAT, 0o600),
    );
    return { normallyDown, lockFd, controlReadFd, controlWriteFd, okFd, runRecordFd };
  } catch (err) {
    for (const fd of opened) closeQuietly(fd);
    throw err;
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function checkDirectory(dir: string): void {
  if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

// mkdir supervise 0700, failure ignored as in 0.76; a dangling `supervise` symlink gets its
// target created, as Debian's supervise and runit do (a read-only service directory linked to a
// run directory: fortress init --prepare). svscan's log FIFO uses this too.
export function makeSuperviseDir(dir: string): void {
  const sup = join(dir, 'supervise');
  try {
    mkdirSync(sup, 0o700);
    return;
  } catch {
    // exists, or not creatable: the lock open reports the real problem
  }
  makeLinkTarget(sup, (target) => mkdirSync(target, 0o700));
}

// When PATH is a dangling symlink, makes its target (with `make`) and the directories above it;
// failures are left for the next open of PATH to report.
function makeLinkTarget(path: string, make: (target: string) => void): void {
  try {
    if (!lstatSync(path).isSymbolicLink() || exists(path)) return;
    const target = resolve(dirname(path), readlinkSync(path));
    mkdirSync(dirname(target), { mode: 0o755, recursive: true });
    make(target);
  } catch {
    // as above
  }
}
