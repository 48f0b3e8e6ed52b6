// Readiness for many loggers in one process: one poll(2) off the main thread watches every
// descriptor a host's loggers wait on (their input pipes, the host's sockets), so no logger holds
// a thread of its own and none blocks another.
import { readSync, writeSync } from 'node:fs';
import { POLLIN, pipe2, pollAsync } from '@fortress/core/libc';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;

/** What a wait answers when wake(), not the descriptor, ended it. */
export const WOKEN = -1;

export class Poller {
  private readonly waits = new Map<number, (revents: number) => void>();
  private readonly wakeRead: number;
  private readonly wakeWrite: number;
  private polling = false;

  constructor() {
    [this.wakeRead, this.wakeWrite] = pipe2(O_NONBLOCK | O_CLOEXEC);
  }

  /** Calls `ready(revents)` once `fd` is readable or hung up; returns how to stop watching. */
  watch(fd: number, ready: (revents: number) => void): () => void {
    this.waits.set(fd, ready);
    if (this.polling) this.kick();
    else void this.loop();
    return () => {
      if (this.waits.get(fd) === ready) this.waits.delete(fd);
    };
  }

  /** Ends the current poll so the watch list is looked at again (and the loop ends when empty). */
  kick(): void {
    try {
      writeSync(this.wakeWrite, 'x');
    } catch {
      // Full: a wake-up is already pending.
    }
  }

  private async loop(): Promise<void> {
    this.polling = true;
    const drain = Buffer.alloc(64);
    while (this.waits.size > 0) {
      const fds = [this.wakeRead, ...this.waits.keys()];
      const pollfds = Buffer.alloc(8 * fds.length);
      fds.forEach((fd, i) => {
        pollfds.writeInt32LE(fd, 8 * i);
        pollfds.writeInt16LE(POLLIN, 8 * i + 4);
      });
      try {
        await pollAsync(pollfds, fds.length, -1);
      } catch {
        continue; // EINTR: look again
      }
      try {
        while (readSync(this.wakeRead, drain, 0, 64, null) > 0);
      } catch {
        // EAGAIN: drained
      }
      for (let i = 1; i < fds.length; i++) {
        const revents = pollfds.readInt16LE(8 * i + 6);
        const ready = revents !== 0 ? this.waits.get(fds[i]!) : undefined;
        if (ready) {
          this.waits.delete(fds[i]!);
          ready(revents);
        }
      }
    }
    this.polling = false;
  }
}

/** One logger's waits for input through a shared Poller; wake() ends the current (or next) wait. */
export class ReadyWaiter {
  private readonly poller: Poller;
  private woken = false;
  private pending: { resolve: (r: number) => void; stop: () => void } | undefined;

  constructor(poller: Poller) {
    this.poller = poller;
  }

  /** revents of `fd` once ready, or WOKEN. */
  wait(fd: number): Promise<number> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve(WOKEN);
    }
    return new Promise((resolve) => {
      const stop = this.poller.watch(fd, (revents) => {
        this.pending = undefined;
        resolve(revents);
      });
      this.pending = { resolve, stop };
    });
  }

  wake(): void {
    const pending = this.pending;
    if (!pending) {
      this.woken = true;
      return;
    }
    this.pending = undefined;
    pending.stop();
    pending.resolve(WOKEN);
  }
}
