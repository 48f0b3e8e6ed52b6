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

// The lines written for every question are put together byte by byte in the buffer: no
// strings are made for them. A line is begun with room for 1024 bytes (a name is at most 255).
function begin(): void {
  if (used + 1024 > out.length) logFlush();
  if (!scheduled) {
    scheduled = true;
    setImmediate(logFlush);
  }
}

function text(s: string): void {
  const o = out;
  let u = used;
  for (let i = 0; i < s.length; i++) o[u++] = s.charCodeAt(i);
  used = u;
}

function dec(n: number): void {
  // Most numbers (counts, ports, TTLs) fit in 31 bits: integer arithmetic, no float division.
  if (n >= 0 && n < 2147483648 && n === Math.floor(n)) {
    const o = out;
    let v = n | 0;
    let digits = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
    const end = used + digits;
    for (let p = end - 1; p >= used; p--) {
      const q = (v / 10) | 0;
      o[p] = 48 + v - q * 10;
      v = q;
    }
    used = end;
    return;
  }
  // The rest (the cache's motion after 2 GB, negatives) is rare: the number's own text.
  text(String(Math.floor(n)));
}

const HEX_CODES = Uint8Array.from(HEX, (c) => c.charCodeAt(0));

function hexByte(b: number): void {
  const u = used;
  out[u] = HEX_CODES[(b >> 4) & 15]!;
  out[u + 1] = HEX_CODES[b & 15]!;
  used = u + 2;
}

function hex16(n: number): void {
  hexByte((n >> 8) & 255);
  hexByte(n & 255);
}

// A name's bytes as the log shows them: lowercase, `?` for spaces, controls and 8-bit bytes.
const LOG_CHAR = new Uint8Array(256).map((_, ch) => (ch <= 32 || ch > 126 ? 63 : ch >= 65 && ch <= 90 ? ch + 32 : ch));

/** A name in the log form of domainText: lowercase, `?` for odd bytes, `.` for the root. */
function domain(d: Uint8Array, pos = 0): void {
  const o = out;
  const n = d.length;
  let u = used;
  let p = pos;
  let c = p < n ? d[p]! : 0;
  if (c === 0) {
    o[u++] = 46;
    used = u;
    return;
  }
  while (c !== 0) {
    const end = p + c + 1;
    const have = Math.min(end, n);
    let i = p + 1;
    for (; i < have; i++) o[u++] = LOG_CHAR[d[i]!]!;
    for (; i < end; i++) o[u++] = 63; // a label cut short (never from getName)
    o[u++] = 46;
    p = end;
    c = p < n ? d[p]! : 0;
  }
  used = u;
}

function ip4(ip: Uint8Array, pos = 0): void {
  hexByte(ip[pos]!);
  hexByte(ip[pos + 1]!);
  hexByte(ip[pos + 2]!);
  hexByte(ip[pos + 3]!);
}

export function logQuery(n: number, ip: string, port: number, id: number, type: number, q: Uint8Array): void {
  if (!enabled) return;
  begin();
  text('query ');
  dec(n);
  out[used++] = 32;
  text(ip);
  out[used++] = 58;
  hex16(port);
  out[used++] = 58;
  hex16(id);
  out[used++] = 32;
  dec(type);
  out[used++] = 32;
  domain(q);
  out[used++] = 10;
}

export function logSent(n: number, len: number): void {
  if (!enabled) return;
  begin();
  text('sent ');
  dec(n);
  out[used++] = 32;
  dec(len);
  out[used++] = 10;
}

/** `cached TYPE NAME` (TYPE a number, or a word such as nxdomain). */
export function logCached(type: number | string, d: Uint8Array): void {
  if (!enabled) return;
  begin();
  text('cached ');
  if (typeof type === 'number') dec(type);
  else text(type);
  out[used++] = 32;
  domain(d);
  out[used++] = 10;
}

/** `cached KIND NAME TARGET` (cname, ns), the name starting at pos of d. */
export function logCachedPair(kind: string, d: Uint8Array, pos: number, target: Uint8Array): void {
  if (!enabled) return;
  begin();
  text('cached ');
  text(kind);
  out[used++] = 32;
  domain(d, pos);
  out[used++] = 32;
  domain(target);
  out[used++] = 10;
}

/** `rr SERVER TTL KIND NAME [PREF] TARGET` for cname, ns, ptr and mx records. */
export function logRrName(
  server: string,
  ttl: number,
  kind: string,
  d: Uint8Array,
  target: Uint8Array,
  pref = -1,
): void {
  if (!enabled) return;
  begin();
  text('rr ');
  text(server);
  out[used++] = 32;
  dec(ttl);
  out[used++] = 32;
  text(kind);
  out[used++] = 32;
  domain(d);
  out[used++] = 32;
  if (pref >= 0) {
    dec(pref);
    out[used++] = 32;
  }
  domain(target);
  out[used++] = 10;
}

/** `stats QUERIES MOTION UDP TCP`, written after every answer. */
export function logStats(queries: number, motion: number, udp: number, tcp: number): void {
  if (!enabled) return;
  begin();
  text('stats ');
  dec(queries);
  out[used++] = 32;
  dec(motion);
  out[used++] = 32;
  dec(udp);
  out[used++] = 32;
  dec(tcp);
  out[used++] = 10;
}

export function logDrop(n: number, err: string): void {
  logLine(`drop ${n} ${err}`);
}

export function logTx(g: number, type: number, q: Uint8Array, control: Uint8Array, servers: Uint8Array, at = 0): void {
  if (!enabled) return;
  begin();
  text('tx ');
  dec(g);
  out[used++] = 32;
  dec(type);
  out[used++] = 32;
  domain(q);
  out[used++] = 32;
  domain(control);
  for (let i = at; i < at + 64; i += 4) {
    if (servers[i] || servers[i + 1] || servers[i + 2] || servers[i + 3]) {
      out[used++] = 32;
      ip4(servers, i);
    }
  }
  out[used++] = 10;
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
  begin();
  text('rr ');
  ip4(server);
  out[used++] = 32;
  dec(ttl);
  out[used++] = 32;
  dec(type);
  out[used++] = 32;
  domain(q);
  out[used++] = 32;
  // As log.c: at most 32 bytes, and `...` once the 32nd is written (even if it was the last).
  const n = Math.min(len, 32);
  for (let i = 0; i < n; i++) hexByte(buf[pos + i]!);
  if (len >= 32) text('...');
  out[used++] = 10;
}
