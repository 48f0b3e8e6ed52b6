// Reads fd 0 without process.stdin (which would leave a shared descriptor non-blocking for others)
// and without leaving a blocking read pending in a worker thread (Node cannot exit while one is):
// wait for readiness with poll(2) off the main thread, then read on the main thread. A wake-up
// pipe ends a pending poll at once when multilog has to exit.
import { fstatSync, readSync, writeSync } from 'node:fs';
import { POLLIN, pipe2, poll, pollAsync } from '@fortress/core/libc';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

export class InputReader {
  private readonly fd: number;
  private readonly regularFile: boolean;
  private readonly wakeRead: number = -1;
  private readonly wakeWrite: number = -1;
  private readonly pollfds = Buffer.alloc(16);

  constructor(fd: number) {
    this.fd = fd;
    this.regularFile = fstatSync(fd).isFile();
    if (this.regularFile) return;
    [this.wakeRead, this.wakeWrite] = pipe2(O_NONBLOCK | O_CLOEXEC);
    this.pollfds.writeInt32LE(fd, 0);
    this.pollfds.writeInt16LE(POLLIN, 4);
    this.pollfds.writeInt32LE(this.wakeRead, 8);
    this.pollfds.writeInt16LE(POLLIN, 12);
  }

  /**
   * Reads up to `length` bytes into `buf`; resolves 0 at end of input. Always yields to the event
   * loop first, so signal handlers run between chunks even under a continuous stream.
   */
  async read(buf: Buffer, length: number): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.regularFile) return readSync(this.fd, buf, 0, length, null);
    for (let ready = this.pollNow(0); ; ready = await this.pollAsync()) {
      if (!ready) continue;
      try {
        return readSync(this.fd, buf, 0, length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EINTR') throw err;
      }
    }
  }

  /** Ends a pending wait (before exiting). */
  wake(): void {
    if (this.wakeWrite >= 0) {
      try {
        writeSync(this.wakeWrite, 'x');
      } catch {
        // Already woken: the pipe is full.
      }
    }
  }

  private pollNow(timeout: number): boolean {
    this.pollfds.writeInt16LE(0, 6);
    try {
      return poll(this.pollfds, 1, timeout) > 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EINTR') return false;
      throw err;
    }
  }

  private pollAsync(): Promise<boolean> {
    this.pollfds.writeInt16LE(0, 6);
    this.pollfds.writeInt16LE(0, 14);
    return pollAsync(this.pollfds, 2, -1).then(
      (n) => n > 0 && this.pollfds.readInt16LE(6) !== 0,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'EINTR') return false;
        throw err;
      },
    );
  }
}
