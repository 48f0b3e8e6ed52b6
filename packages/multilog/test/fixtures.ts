// Small generators run as separate processes, so the writer side of a pipe is a real program.
import { join } from 'node:path';

/** A Node script that writes lines `PREFIX%07d` + padding for i in [0, count) to stdout, in batches. */
export function lineWriterScript(count: number, width: number): string {
  return `
    const { writeSync } = require('node:fs');
    const count = ${count}, width = ${width};
    let batch = [];
    for (let i = 0; i < count; i++) {
      batch.push(String(i).padStart(7, '0').padEnd(width, '.'));
      if (batch.length === 5000 || i === count - 1) {
        const buf = Buffer.from(batch.join('\\n') + '\\n');
        let off = 0;
        while (off < buf.length) off += writeSync(1, buf, off);
        batch = [];
      }
    }`;
}

/** The bytes lineWriterScript writes. */
export function expectedLines(count: number, width: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(String(i).padStart(7, '0').padEnd(width, '.'));
  return Buffer.from(`${lines.join('\n')}\n`);
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function nodeCommand(script: string): string {
  return `${shellQuote(process.execPath)} -e ${shellQuote(script)}`;
}

export function multilogCommand(bin: string, args: string[]): string {
  return [shellQuote(process.execPath), shellQuote(join(bin, 'multilog.js')), ...args.map(shellQuote)].join(' ');
}
