// An event fifodir, as s6's (DESIGN.md decision 12): a directory where each waiter makes a FIFO
// of its own and reads it; the notifier writes one byte per event into every FIFO there. A
// waiter subscribes *before* it sends its command, so it cannot miss the event that command
// causes. The FIFO names are s6's (`ftrig1:@TAI64N:RANDOM`), so s6's tools (s6-ftrig-wait,
// s6-ftrig-notify) and ours work on one another's fifodirs.
// Builtins through getBuiltinModule: an ES import of node:fs builds its whole namespace.
import { mkfifo } from './libc.js';
import { formatTai64nLabel, wallTime } from './tai64n.js';

const {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} = process.getBuiltinModule('node:fs');
const { randomBytes } = process.getBuiltinModule('node:crypto');

const { O_RDONLY, O_WRONLY, O_NONBLOCK, O_NOFOLLOW } = constants;

/** The fifodir of a service directory. */
export const EVENT_DIR = 'event';

/** Every subscriber's FIFO name starts with this (s6's). */
export const FIFO_PREFIX = 'ftrig1';

/**
 * s6's mode for a private fifodir (verified on Debian's s6: drwx-ws--T): the owner (the
 * supervisor's account) reads and writes; members of the directory's group may make a FIFO
 * (setgid: it gets the directory's group) but not list the others; sticky: nobody but the
 * owner removes what is not theirs.
 */
export const FIFODIR_MODE = 0o3730;

/** The events supervise sends, one byte each (s6's letters). */
export const EVENTS = {
  start: 's',
  up: 'u',
  ready: 'U',
  down: 'd',
  finished: 'D',
  failed: 'O',
  exiting: 'x',
} as const;

/**
 * Makes the fifodir PATH (mode FIFODIR_MODE) unless it exists. An existing directory is left as
 * it is (an administrator may have given it another group); anything else there throws ENOTDIR.
 */
export function makeFifodir(path: string): void {
  try {
    mkdirSync(path, 0o700);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (!statSync(path).isDirectory()) throw Object.assign(new Error(`${path}: not a directory`), { code: 'ENOTDIR' });
    return;
  }
  // After mkdir: its mode is filtered by the umask, and Linux ignores setgid there.
  chmodSync(path, FIFODIR_MODE);
}

/**
 * Sends EVENT (one byte) to every subscriber of the fifodir PATH: opens each FIFO for writing
 * without blocking, writes the byte, closes it. A FIFO nobody reads any more (its waiter died:
 * ENXIO) is removed. A full FIFO (a waiter that stopped reading) misses the byte. Never follows
 * a symlink and writes only into FIFOs: whoever may create entries here cannot make the
 * supervisor write into a file. Returns how many subscribers got the byte; never throws.
 */
export function notifyFifodir(path: string, event: string | number): number {
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return 0;
  }
  const byte = Buffer.of(typeof event === 'number' ? event : event.charCodeAt(0));
  let sent = 0;
  for (const name of names) {
    if (!name.startsWith(FIFO_PREFIX)) continue;
    const fifo = `${path}/${name}`;
    let fd: number;
    try {
      fd = openSync(fifo, O_WRONLY | O_NONBLOCK | O_NOFOLLOW);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENXIO') removeQuietly(fifo);
      continue;
    }
    try {
      if (fstatSync(fd).isFIFO() && writeSyncQuiet(fd, byte)) sent++;
    } finally {
      closeSync(fd);
    }
  }
  return sent;
}

function writeSyncQuiet(fd: number, data: Buffer): boolean {
  try {
    return writeSync(fd, data) === data.length;
  } catch {
    return false; // EAGAIN: that waiter's FIFO is full; EPIPE: it just left
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already, or not ours to remove (sticky directory)
  }
}

/**
 * One waiter's FIFO in a fifodir. `fd` is its read end (non-blocking: poll it for POLLIN, then
 * `read()`); the subscription also holds a write end, so the FIFO never reports end of file
 * between two notifiers' writes. `close()` removes the FIFO.
 */
export class Subscription {
  readonly path: string;
  readonly fd: number;
  readonly #writeFd: number;
  #closed = false;

  private constructor(path: string, fd: number, writeFd: number) {
    this.path = path;
    this.fd = fd;
    this.#writeFd = writeFd;
  }

  /**
   * Makes a uniquely named FIFO (mode 0600) in the fifodir DIR and opens it; throws the errno.
   * It is made and opened under a name notifiers skip, then renamed: under its final name it
   * always has a reader, so a notifier never takes it for a dead waiter's and removes it.
   */
  static subscribe(dir: string): Subscription {
    const name = `${FIFO_PREFIX}:${formatTai64nLabel(wallTime())}:${randomName()}`;
    const path = `${dir}/${name}`;
    const making = `${dir}/.${name}`;
    mkfifo(making, 0o600);
    let fd: number | undefined;
    let writeFd: number | undefined;
    try {
      fd = openSync(making, O_RDONLY | O_NONBLOCK);
      writeFd = openSync(making, O_WRONLY | O_NONBLOCK);
      renameSync(making, path);
      return new Subscription(path, fd, writeFd);
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      if (writeFd !== undefined) closeSync(writeFd);
      removeQuietly(making);
      throw err;
    }
  }

  /** The events that have arrived (empty when none): each character is one event byte. */
  read(): string {
    const chunk = Buffer.alloc(256);
    let text = '';
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, chunk, 0, chunk.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return text;
        throw err;
      }
      if (n === 0) return text;
      text += chunk.toString('latin1', 0, n);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    removeQuietly(this.path);
    closeSync(this.fd);
    closeSync(this.#writeFd);
  }
}

const NAME_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomName(): string {
  let name = '';
  for (const b of randomBytes(6)) name += NAME_LETTERS[b % NAME_LETTERS.length];
  return name;
}
