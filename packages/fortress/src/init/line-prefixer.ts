// Copies a service's stdout to init's stdout as whole lines, each with a `NAME: ` prefix (what
// s6-overlay users ask for when a service has no log/). Each chunk's complete lines go out in
// one synchronous write, so lines of two services never interleave half-way; a line with no
// newline yet waits (up to MAX_LINE bytes) for the rest.
import { writeAll } from './write-all.js';

const net = process.getBuiltinModule('node:net');

/** Longer lines are cut here (a newline is added), so one service cannot grow init without bound. */
export const MAX_LINE = 64 * 1024;
const NEWLINE = 0x0a;

export interface LinePrefixer {
  /** Flushes what is buffered and stops reading. */
  close(): void;
}

/** Reads `fd` (the read end of a pipe; taken over and closed by this) until end of file. */
export function prefixLines(fd: number, name: string, out = 1): LinePrefixer {
  const prefix = Buffer.from(`${name}: `);
  let partial: Buffer[] = [];
  let partialLength = 0;
  const socket = new net.Socket({ fd, readable: true, writable: false });
  socket.on('data', (chunk: Buffer) => {
    const parts: Buffer[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      parts.push(prefix, ...partial, chunk.subarray(start, nl + 1));
      partial = [];
      partialLength = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      partial.push(chunk.subarray(start));
      partialLength += chunk.length - start;
      if (partialLength >= MAX_LINE) parts.push(...takePartial());
    }
    if (parts.length > 0) writeAll(out, Buffer.concat(parts));
  });
  const takePartial = (): Buffer[] => {
    const line = [prefix, ...partial, Buffer.from('\n')];
    partial = [];
    partialLength = 0;
    return line;
  };
  const flush = (): void => {
    if (partialLength > 0) writeAll(out, Buffer.concat(takePartial()));
  };
  socket.on('end', flush);
  socket.on('error', () => {});
  return {
    close() {
      flush();
      socket.destroy();
    },
  };
}
