// dnscache's log lines (log.c), written to fd 2 as the original does (its run script sends fd 2
// to multilog). Lines are gathered and written once per event-loop turn instead of one write(2)
// per line; the text of each line is byte-for-byte the original's.
import { writeSync } from 'node:fs';
import { domainText } from './domain.js';

// Lines are written into one preallocated buffer and flushed when it fills or the turn ends.
const out = Buffer.allocUnsafe(65536);
let used = 0;
let scheduled = false;
let fd = 2;
let enabled = true;

export function logTo(descriptor: number | undefined): void {
  if (descriptor === undefined) enabled = false;
  else {
    enabled = true;
    fd = descriptor;
  }
}

export function logFlush(): void {
  scheduled = false;
  let pos = 0;
  while (pos < used) {
    try {
      pos += writeSync(fd, out, pos, used - pos);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') break;
    }
  }
  used = 0;
}

export function logLine(line: string): void {
  if (!enabled) return;
  if (used + line.length + 1 > out.length) {
    logFlush();
    if (line.length + 1 > out.length) line = line.slice(0, out.length - 1);
  }
  used += out.write(line, used, 'latin1');
  out[used++] = 10;
  if (!scheduled) {
    scheduled = true;
    setImmediate(logFlush);
  }
}

const HEX = '0123456789abcdef';

export function hex2(n: number): string {
  return HEX[(n >> 4) & 15]! + HEX[n & 15]!;
}

export function hex4(n: number): string {
  return hex2(n >> 8) + hex2(n);
}

/** 127.0.0.1 as 7f000001 (4 bytes at pos). */
export function ipHex(ip: Uint8Array, pos = 0): string {
  return hex2(ip[pos]!) + hex2(ip[pos + 1]!) + hex2(ip[pos + 2]!) + hex2(ip[pos + 3]!);
}

let lastName: Uint8Array | undefined;
let lastText = '';

/** domainText, remembering the last name: a question's name is logged two or three times. */
export function name(d: Uint8Array): string {
  if (d !== lastName) {
    lastText = domainText(d);
    lastName = d;
  }
  return lastText;
}

export function logQuery(n: number, ip: string, port: number, id: number, type: number, q: Uint8Array): void {
  if (enabled) logLine(`query ${n} ${ip}:${hex4(port)}:${hex4(id)} ${type} ${name(q)}`);
}

export function logSent(n: number, len: number): void {
  if (enabled) logLine(`sent ${n} ${len}`);
}

export function logDrop(n: number, err: string): void {
  logLine(`drop ${n} ${err}`);
}

export function logTx(g: number, type: number, q: Uint8Array, control: Uint8Array, servers: Uint8Array): void {
  if (!enabled) return;
  let line = `tx ${g} ${type} ${name(q)} ${name(control)}`;
  for (let i = 0; i < 64; i += 4) {
    if (servers[i] || servers[i + 1] || servers[i + 2] || servers[i + 3]) line += ` ${ipHex(servers, i)}`;
  }
  logLine(line);
}

/** rr line for a record without a special form: data as hex, at most 32 bytes then `...`. */
export function logRr(
  server: Uint8Array,
  q: Uint8Array,
  type: number,
  buf: Uint8Array,
  pos: number,
  len: number,
  ttl: number,
): void {
  if (!enabled) return;
  // As log.c: at most 32 bytes, and `...` once the 32nd is written (even if it was the last).
  const n = Math.min(len, 32);
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const data = bytes.toString('hex', pos, pos + n) + (len >= 32 ? '...' : '');
  logLine(`rr ${ipHex(server)} ${ttl} ${type} ${name(q)} ${data}`);
}
