// Action `=FILE`: the latest selected line, padded with newlines to exactly 1001 bytes, at offset 0.
import { constants, openSync, writeSync } from 'node:fs';
import { FortressError } from '@fortress/core/errors';
import { pauseAfter } from './pause.js';

const RECORD = 1001;
const KEPT = 1000;

export class StatusFile {
  readonly path: string;
  private readonly fd: number;
  private readonly record = Buffer.alloc(RECORD);

  /** Creates the file (0600) if missing; leaves its contents alone until the first line. */
  constructor(path: string) {
    this.path = path;
    try {
      this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600);
    } catch (err) {
      throw new FortressError('ERR_STARTUP', `unable to create ${path}`, err);
    }
  }

  /** Overwrites the record with the first 1000 bytes of `line[0..length)`. */
  update(line: Buffer, length: number): void {
    const kept = Math.min(length, KEPT);
    line.copy(this.record, 0, 0, kept);
    this.record.fill(10, kept);
    let done = 0;
    while (done < RECORD) {
      try {
        done += writeSync(this.fd, this.record, done, RECORD - done, done);
      } catch (err) {
        pauseAfter(`unable to write ${this.path}`, err);
      }
    }
  }
}
