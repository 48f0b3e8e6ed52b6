// An output batch for the filters (tai64n, tai64nlocal): collected in memory, written before each read.
import { writeAll } from './write-all.js';

export class Sink {
  private readonly fd: number;
  private readonly buf: Buffer;
  private length = 0;

  constructor(fd: number, capacity = 256 * 1024) {
    this.fd = fd;
    this.buf = Buffer.allocUnsafe(capacity);
  }

  put(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.length + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) {
        writeAll(this.fd, src, start, end);
        return;
      }
    }
    this.buf.set(src.subarray(start, end), this.length);
    this.length += n;
  }

  putString(text: string): void {
    if (this.length + text.length * 3 > this.buf.length) this.flush();
    this.length += this.buf.write(text, this.length);
  }

  putByte(byte: number): void {
    if (this.length === this.buf.length) this.flush();
    this.buf[this.length++] = byte;
  }

  /** Writes the batch; throws the write error (the filters exit 111 on it). */
  flush(): void {
    const n = this.length;
    this.length = 0;
    if (n > 0) writeAll(this.fd, this.buf, 0, n);
  }
}
