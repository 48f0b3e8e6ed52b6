// The loop shared by tai64n and tai64nlocal: read a chunk, filter it, write the result, repeat.
import { fatal } from '@fortress/core/errors';
import { readBlocking } from './read-sync.js';
import type { Sink } from './sink.js';

export interface Filter {
  feed(buf: Buffer, n: number): void;
  end?(): void;
}

/** Runs `filter` from fd 0 to `sink` until end of input: 0, or 111 on a read or write error. */
export function runFilter(prog: string, filter: Filter, sink: Sink): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readBlocking(0, buf, buf.length);
    } catch (err) {
      return fatal(prog, 'unable to read input', err);
    }
    try {
      if (n === 0) filter.end?.();
      else filter.feed(buf, n);
      sink.flush();
    } catch (err) {
      return fatal(prog, 'unable to write output', err);
    }
    if (n === 0) return 0;
  }
}
