// tai64n: copies input to output with `@LABEL ` before each line, the label taken when the
// line's first byte was read. A last line without newline stays without one.
import type { Sink } from './sink.js';
import { Stamper } from './stamp.js';

const NEWLINE = 10;

export class Tai64nFilter {
  private readonly sink: Sink;
  private readonly stamper: Stamper;
  private readonly stamp = Buffer.allocUnsafe(32);
  private atLineStart = true;

  constructor(sink: Sink, stamper = new Stamper('tai64n')) {
    this.sink = sink;
    this.stamper = stamper;
  }

  /** Processes `buf[0..n)`, read just now. */
  feed(buf: Buffer, n: number): void {
    const stampLength = this.stamper.write(this.stamp, 0);
    let pos = 0;
    while (pos < n) {
      if (this.atLineStart) this.sink.put(this.stamp, 0, stampLength);
      let end = buf.indexOf(NEWLINE, pos);
      if (end < 0 || end >= n) end = n;
      else end++;
      this.sink.put(buf, pos, end);
      this.atLineStart = buf[end - 1] === NEWLINE;
      pos = end;
    }
  }
}
