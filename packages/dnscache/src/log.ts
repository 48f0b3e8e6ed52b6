// dnscache's log lines (log.c), written to fd 2 as the original does (its run script sends fd 2
// to multilog). Lines are gathered and written once per event-loop turn instead of one write(2)
// per line; the text of each line is byte-for-byte the original's.
import { writeSync } from 'node:fs';
import { domainText } from './domain.js';

// The bytes the lines are put together from (ASCII).
const NEWLINE = 10;
const SPACE = 32;
const DOT = 46;
const DIGIT_0 = 48;
const COLON = 58;
const QUESTION_MARK = 63;
const UPPER_A = 65;
const UPPER_Z = 90;
const TILDE = 126;
/** 'A' + TO_LOWER is 'a'. */
const TO_LOWER = 32;
/** Room a line is begun with: a name is at most 255 bytes, every line is well under this. */
const LINE_ROOM = 1024;
/** A server list: 16 IPv4 addresses of 4 bytes, unused ones zero (query.c's servers). */
const SERVER_LIST = 64;
/** rr lines show at most this many bytes of a record's data. */
const RR_DATA_SHOWN = 32;
/** The log buffer: lines gathered in one event-loop turn, written at once. */
const LOG_BUFFER = 65536;

// Lines are written into one preallocated buffer and flushed when it fills or the turn ends.
const out = Buffer.allocUnsafe(LOG_BUFFER);
let used = 0;
let scheduled = false;
let fd = 2; // stderr, as the original
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
      // The original's log writes ignore errors too (buffer_2): a closed or full log must not
      // stop the cache; what could not be written is dropped. EAGAIN (a non-blocking fd 2) is
      // retried.
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
  out[used++] = NEWLINE;
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
  if (used + LINE_ROOM > out.length) logFlush();
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
      o[p] = DIGIT_0 + v - q * 10;
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
const LOG_CHAR = new Uint8Array(256).map((_, ch) =>
  ch <= SPACE || ch > TILDE ? QUESTION_MARK : ch >= UPPER_A && ch <= UPPER_Z ? ch + TO_LOWER : ch,
);

/** A name in the log form of domainText: lowercase, `?` for odd bytes, `.` for the root. */
function domain(d: Uint8Array, pos = 0): void {
  const o = out;
  const n = d.length;
  let u = used;
  let p = pos;
  let c = p < n ? d[p]! : 0;
  if (c === 0) {
    o[u++] = DOT;
    used = u;
    return;
  }
  while (c !== 0) {
    const end = p + c + 1;
    const have = Math.min(end, n);
    let i = p + 1;
    for (; i < have; i++) o[u++] = LOG_CHAR[d[i]!]!;
    for (; i < end; i++) o[u++] = QUESTION_MARK; // a label cut short (never from getName)
    o[u++] = DOT;
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
  out[used++] = SPACE;
  text(ip);
  out[used++] = COLON;
  hex16(port);
  out[used++] = COLON;
  hex16(id);
  out[used++] = SPACE;
  dec(type);
  out[used++] = SPACE;
  domain(q);
  out[used++] = NEWLINE;
}

export function logSent(n: number, len: number): void {
  if (!enabled) return;
  begin();
  text('sent ');
  dec(n);
  out[used++] = SPACE;
  dec(len);
  out[used++] = NEWLINE;
}

/** `cached TYPE NAME` (TYPE a number, or a word such as nxdomain). */
export function logCached(type: number | string, d: Uint8Array): void {
  if (!enabled) return;
  begin();
  text('cached ');
  if (typeof type === 'number') dec(type);
  else text(type);
  out[used++] = SPACE;
  domain(d);
  out[used++] = NEWLINE;
}

/** `cached KIND NAME TARGET` (cname, ns), the name starting at pos of d. */
export function logCachedPair(kind: string, d: Uint8Array, pos: number, target: Uint8Array): void {
  if (!enabled) return;
  begin();
  text('cached ');
  text(kind);
  out[used++] = SPACE;
  domain(d, pos);
  out[used++] = SPACE;
  domain(target);
  out[used++] = NEWLINE;
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
  out[used++] = SPACE;
  dec(ttl);
  out[used++] = SPACE;
  text(kind);
  out[used++] = SPACE;
  domain(d);
  out[used++] = SPACE;
  if (pref >= 0) {
    dec(pref);
    out[used++] = SPACE;
  }
  domain(target);
  out[used++] = NEWLINE;
}

/** `stats QUERIES MOTION UDP TCP`, written after every answer. */
export function logStats(queries: number, motion: number, udp: number, tcp: number): void {
  if (!enabled) return;
  begin();
  text('stats ');
  dec(queries);
  out[used++] = SPACE;
  dec(motion);
  out[used++] = SPACE;
  dec(udp);
  out[used++] = SPACE;
  dec(tcp);
  out[used++] = NEWLINE;
}

/** A bug caught where one question must not stop the others: one line, never silence. Not a
 * line of the original's (which has no such catch); the text says what and where. */
export function logInternalError(where: string, err: unknown): void {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  logLine(`internal error in ${where}: ${what.replace(/\n/g, ' ')}`);
}

export function logDrop(n: number, err: string): void {
  logLine(`drop ${n} ${err}`);
}

export function logTx(g: number, type: number, q: Uint8Array, control: Uint8Array, servers: Uint8Array, at = 0): void {
  if (!enabled) return;
  begin();
  text('tx ');
  dec(g);
  out[used++] = SPACE;
  dec(type);
  out[used++] = SPACE;
  domain(q);
  out[used++] = SPACE;
  domain(control);
  for (let i = at; i < at + SERVER_LIST; i += 4) {
    if (servers[i] || servers[i + 1] || servers[i + 2] || servers[i + 3]) {
      out[used++] = SPACE;
      ip4(servers, i);
    }
  }
  out[used++] = NEWLINE;
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
  out[used++] = SPACE;
  dec(ttl);
  out[used++] = SPACE;
  dec(type);
  out[used++] = SPACE;
  domain(q);
  out[used++] = SPACE;
  // As log.c: at most 32 bytes, and `...` once the 32nd is written (even if it was the last).
  const n = Math.min(len, RR_DATA_SHOWN);
  for (let i = 0; i < n; i++) hexByte(buf[pos + i]!);
  if (len >= RR_DATA_SHOWN) text('...');
  out[used++] = NEWLINE;
}
