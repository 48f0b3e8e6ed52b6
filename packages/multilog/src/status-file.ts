// Action `=FILE`: the latest selected line, padded with newlines to exactly 1001 bytes, at offset 0.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { FortressError } from '@fortress/core/errors';
import type { Pause } from './pause.js';

const RECORD = 1001;
const KEPT = 1000;

export class StatusFile {
  readonly path: string;
  private readonly fd: number;
  private readonly record = Buffer.alloc(RECORD);

  /** Creates the file (0600) if missing; leaves its contents alone until the first line. */
  private readonly pause: Pause;

  /** `path` as written in the script (for messages); `realPath` is where it is (the host's loggers resolve it). */
  constructor(pause: Pause, path: string, realPath = path) {
    this.pause = pause;
    this.path = path;
    try {
      this.fd = openSync(realPath, constants.O_WRONLY | constants.O_CREAT, 0o600);
    } catch (err) {
      throw new FortressError('ERR_STARTUP', `unable to create ${path}`, err);
    }
  }

  /** Overwrites the record with the first 1000 bytes of `line[0..length)`; a promise only when a write failed and pauses. */
  update(line: Buffer, length: number): Promise<void> | undefined {
    const kept = Math.min(length, KEPT);
    line.copy(this.record, 0, 0, kept);
    this.record.fill(10, kept);
    try {
      const done = writeSync(this.fd, this.record, 0, RECORD, 0);
      if (done === RECORD) return undefined;
      return this.finish(done);
    } catch (err) {
      return this.finish(0, err);
    }
  }

  private async finish(done: number, failure?: unknown): Promise<void> {
    if (failure !== undefined) await this.pause.after(`unable to write ${this.path}`, failure);
    while (done < RECORD) {
      try {
        done += writeSync(this.fd, this.record, done, RECORD - done, done);
      } catch (err) {
        await this.pause.after(`unable to write ${this.path}`, err);
      }
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
