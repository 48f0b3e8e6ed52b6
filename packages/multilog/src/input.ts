// Reads fd 0 without process.stdin (which would leave a shared descriptor non-blocking for others)
// and without leaving a blocking read pending in a worker thread (Node cannot exit while one is):
// wait for readiness with poll(2) off the main thread, then read on the main thread. The wait also
// watches the signal pipe and a wake-up pipe, so a signal or a due rotation ends it at once.
//
// When fd 0 is a pipe (a FIFO from svscan, a shell pipe), input is looked at with tee(2) and taken
// out of the pipe only once it has been written (consume): a multilog killed between the two
// leaves those lines to the next one. Other inputs are read as usual (read = consume).
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs';
import { POLLIN, pipe2, poll, pollAsync } from '@fortress/core/libc';
import { tee } from './logpipe.js';
import { type ReadyWaiter, WOKEN } from './ready-waiter.js';

const O_NONBLOCK = 0o4000;
const POLLHUP = 0x10;
const O_CLOEXEC = 0o2000000;

/** read()'s answer when a signal or a wake-up, not input, ended the wait. */
export const INTERRUPTED = -1;

export class InputReader {
  private readonly fd: number;
  private readonly regularFile: boolean;
  /** True when read() only looks and consume() takes. */
  readonly peeks: boolean;
  private readonly wakeRead: number = -1;
  private readonly wakeWrite: number = -1;
  private readonly copyRead: number = -1;
  private readonly copyWrite: number = -1;
  private readonly pollfds = Buffer.alloc(24);
  private scratch: Buffer | undefined;
  /** The last wait saw that no writer holds the pipe any more: what is in it is all there will be. */
  hungUp = false;

  /** A host's shared readiness (ready-waiter.ts) instead of a poll of this reader's own. */
  private readonly shared: ReadyWaiter | undefined;

  constructor(fd: number, signalFd = -1, shared?: ReadyWaiter) {
    this.fd = fd;
    this.shared = shared;
    const st = fstatSync(fd);
    this.regularFile = st.isFile();
    this.peeks = st.isFIFO();
    if (this.regularFile) return;
    if (this.peeks) [this.copyRead, this.copyWrite] = pipe2(O_NONBLOCK | O_CLOEXEC);
    // poll(2) skips the negative descriptors: a host's reader has no wake-up or signal pipe.
    if (!shared) [this.wakeRead, this.wakeWrite] = pipe2(O_NONBLOCK | O_CLOEXEC);
    this.pollfds.writeInt32LE(fd, 0);
    this.pollfds.writeInt16LE(POLLIN, 4);
    this.pollfds.writeInt32LE(this.wakeRead, 8);
    this.pollfds.writeInt16LE(POLLIN, 12);
    this.pollfds.writeInt32LE(signalFd, 16);
    this.pollfds.writeInt16LE(POLLIN, 20);
  }

  /**
   * Waits for input and puts up to `length` bytes into `buf`: 0 at end of input, INTERRUPTED when
   * a signal or wake() ended the wait first. With `peeks`, the bytes stay in the pipe until
   * consume(). Always yields to the event loop first, so timers run between chunks.
   */
  async read(buf: Buffer, length: number): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.regularFile) return readSync(this.fd, buf, 0, length, null);
    for (let ready = this.pollNow(); ; ready = await this.pollAsync()) {
      if (ready === INTERRUPTED) return INTERRUPTED;
      if (!ready) continue;
      try {
        return this.peeks ? this.peek(buf, length) : readSync(this.fd, buf, 0, length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EINTR') throw err;
      }
    }
  }

  private peek(buf: Buffer, length: number): number {
    const n = tee(this.fd, this.copyWrite, length);
    let done = 0;
    while (done < n) done += readSync(this.copyRead, buf, done, n - done, null);
    return n;
  }

  /** Takes `n` bytes that read() showed out of the pipe (they are written). */
  consume(n: number): void {
    if (!this.peeks) return;
    this.scratch ??= Buffer.allocUnsafe(64 * 1024);
    while (n > 0) {
      try {
        n -= readSync(this.fd, this.scratch, 0, Math.min(n, this.scratch.length), null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EINTR') throw err;
      }
    }
  }

  /** Closes the reader's own descriptors (not the input): a host's logger ended. */
  close(): void {
    for (const fd of [this.copyRead, this.copyWrite, this.wakeRead, this.wakeWrite]) if (fd >= 0) closeSync(fd);
  }

  /** Ends a pending wait (a rotation is due, or multilog must exit). */
  wake(): void {
    this.shared?.wake();
    if (this.wakeWrite >= 0) {
      try {
        writeSync(this.wakeWrite, 'x');
      } catch {
        // Already woken: the pipe is full.
      }
    }
  }

  /** true: input ready; false: look again; INTERRUPTED: a signal or wake-up. */
  private pollNow(): boolean | typeof INTERRUPTED {
    this.clearEvents();
    try {
      poll(this.pollfds, 3, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EINTR') return false;
      throw err;
    }
    return this.outcome();
  }

  private pollAsync(): Promise<boolean | typeof INTERRUPTED> {
    this.clearEvents();
    if (this.shared) {
      return this.shared.wait(this.fd).then((revents) => {
        if (revents === WOKEN) return INTERRUPTED;
        this.hungUp = (revents & POLLHUP) !== 0;
        return true;
      });
    }
    return pollAsync(this.pollfds, 3, -1).then(
      () => this.outcome(),
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'EINTR') return false;
        throw err;
      },
    );
  }

  private clearEvents(): void {
    this.pollfds.writeInt16LE(0, 6);
    this.pollfds.writeInt16LE(0, 14);
    this.pollfds.writeInt16LE(0, 22);
  }

  private outcome(): boolean | typeof INTERRUPTED {
    if (this.pollfds.readInt16LE(14) !== 0) {
      const drain = Buffer.alloc(64);
      try {
        while (readSync(this.wakeRead, drain, 0, 64, null) > 0);
      } catch {
        // EAGAIN: drained
      }
      return INTERRUPTED;
    }
    if (this.pollfds.readInt16LE(22) !== 0) return INTERRUPTED;
    const events = this.pollfds.readInt16LE(6);
    this.hungUp = (events & POLLHUP) !== 0;
    return events !== 0;
  }
}
