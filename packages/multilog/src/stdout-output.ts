// Action `1`: a copy of the selected lines on standard output (for containers and pipelines).
import { writeSync } from 'node:fs';
import { errorCode, warning } from '@fortress/core/errors';
import { BufferedOutput } from './output.js';
import { pauseAfter } from './pause.js';

export class StdoutOutput extends BufferedOutput {
  private closed = false;

  constructor() {
    super(64 * 1024);
  }

  /** Pauses and retries like a log directory, except that a reader that went away (EPIPE) ends the copy. */
  protected writeThrough(src: Buffer, start: number, end: number): void {
    while (start < end && !this.closed) {
      try {
        start += writeSync(1, src, start, end - start);
      } catch (err) {
        const code = errorCode(err);
        if (code === 'EPIPE') {
          warning('multilog', 'unable to write to standard output, no longer copying lines to it', err);
          this.closed = true;
        } else if (code !== 'EAGAIN' && code !== 'EINTR') {
          pauseAfter('unable to write to standard output', err);
        }
      }
    }
  }
}
