// SIGTERM and SIGALRM for multilog, as flags fed by the addon's signal pipe. Every wait multilog
// does (for input, and the pauses after a failed write) also watches that pipe, so a TERM is seen
// at once even while multilog is retrying.

import { readSync } from 'node:fs';
import { constants } from 'node:os';
import { POLLIN, poll } from '@fortress/core/libc';
import { watchSignals } from './logpipe.js';

const SIGTERM = constants.signals.SIGTERM;
const SIGALRM = constants.signals.SIGALRM;

export class Signals {
  /** The pipe's read end, or -1 when signals are not watched (they then take their default action). */
  readonly fd: number;
  terminate = false;
  alarm = false;
  /** Never: a standalone multilog is killed by the kernel, not told. */
  readonly killed = false;
  private readonly bytes = Buffer.alloc(64);
  private readonly pollfd = Buffer.alloc(8);

  constructor(fd: number) {
    this.fd = fd;
    this.pollfd.writeInt32LE(fd, 0);
    this.pollfd.writeInt16LE(POLLIN, 4);
  }

  /** Takes SIGTERM and SIGALRM away from their default actions. */
  static watch(): Signals {
    return new Signals(watchSignals([SIGTERM, SIGALRM]));
  }

  /** Notes the signals that arrived since the last look. */
  drain(): void {
    if (this.fd < 0) return;
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.bytes, 0, this.bytes.length, null);
      } catch {
        return; // EAGAIN: nothing more
      }
      if (n <= 0) return;
      for (let i = 0; i < n; i++) {
        if (this.bytes[i] === SIGTERM) this.terminate = true;
        else if (this.bytes[i] === SIGALRM) this.alarm = true;
      }
    }
  }

  /** Sleeps `ms` milliseconds, or less when SIGTERM comes: blocks the process, which is this logger's alone. */
  async sleep(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (let left = ms; left > 0 && !this.terminate; left = deadline - Date.now()) {
      this.pollfd.writeInt16LE(0, 6);
      try {
        poll(this.pollfd, 1, left);
      } catch {
        // EINTR: look again
      }
      this.drain();
    }
  }
}

/** No signal pipe: for programs that keep the default actions (the filters). */
export const noSignals = new Signals(-1);
