// Action `1`: a copy of the selected lines on standard output (for containers and pipelines).
import { writeSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';
import { BufferedOutput } from './output.js';
import type { Pause } from './pause.js';

export class StdoutOutput extends BufferedOutput {
  private closed = false;

  private readonly pause: Pause;
  private readonly fd: number;

  constructor(pause: Pause, fd = 1) {
    super(64 * 1024);
    this.pause = pause;
    this.fd = fd;
  }

  /** Pauses and retries like a log directory, except that a reader that went away (EPIPE) ends the copy. */
  protected async writeThrough(src: Buffer, start: number, end: number): Promise<void> {
    while (start < end && !this.closed) {
      try {
        start += writeSync(this.fd, src, start, end - start);
      } catch (err) {
        const code = errorCode(err);
        if (code === 'EPIPE') {
          this.pause.warn('unable to write to standard output, no longer copying lines to it', err);
          this.closed = true;
        } else if (code !== 'EAGAIN' && code !== 'EINTR') {
          await this.pause.after('unable to write to standard output', err);
        }
      }
    }
  }
}
