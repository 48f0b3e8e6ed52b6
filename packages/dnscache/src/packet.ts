// Reading DNS packets as djbdns does (dns_packet.c): positions are returned, 0 means the packet
// is malformed. Names are decompressed into a scratch buffer; `packetName()` copies the last one.
const scratch = Buffer.alloc(255);
let scratchLength = 0;

/** Reads the (possibly compressed) name at pos; returns the position after it, or 0. */
export function getName(buf: Uint8Array, len: number, pos: number): number {
  let loop = 0;
  let state = 0;
  let firstCompress = 0;
  let n = 0;
  let p = pos;
  for (;;) {
    if (p >= len) return 0;
    let ch = buf[p++]!;
    if (++loop >= 1000) return 0;
    if (state) {
      if (n + 1 > 255) return 0;
      scratch[n++] = ch;
      --state;
      continue;
    }
    while (ch >= 192) {
      const where = (ch - 192) << 8;
      if (p >= len) return 0;
      ch = buf[p++]!;
      if (!firstCompress) firstCompress = p;
      p = where + ch;
      if (p >= len) return 0;
      ch = buf[p++]!;
      if (++loop >= 1000) return 0;
    }
    if (ch >= 64) return 0;
    if (n + 1 > 255) return 0;
    scratch[n++] = ch;
    if (!ch) break;
    state = ch;
  }
  scratchLength = n;
  return firstCompress || p;
}

/** A copy of the name read by the last successful getName. */
export function packetName(): Buffer {
  // One pooled Buffer and a byte loop: no view of scratch is made (names are short).
  const n = scratchLength;
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = scratch[i]!;
  return out;
}

/** The last name read, without copying: valid only until the next getName. */
export function packetNameView(): Buffer {
  return scratch.subarray(0, scratchLength);
}

/** Skips the name at pos; returns the position after it, or 0. */
export function skipName(buf: Uint8Array, len: number, pos: number): number {
  let p = pos;
  for (;;) {
    if (p >= len) return 0;
    const ch = buf[p++]!;
    if (ch >= 192) return p + 1 <= len ? p + 1 : 0;
    if (ch >= 64) return 0;
    if (ch === 0) return p;
    p += ch;
  }
}

export function u16(buf: Uint8Array, pos: number): number {
  return (buf[pos]! << 8) | buf[pos + 1]!;
}

export function u32(buf: Uint8Array, pos: number): number {
  return ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
}

export const T_A = 1;
export const T_NS = 2;
export const T_CNAME = 5;
export const T_SOA = 6;
export const T_PTR = 12;
export const T_MX = 15;
export const T_TXT = 16;
export const T_AAAA = 28;
export const T_AXFR = 252;
export const T_ANY = 255;
export const C_IN = 1;
export const C_ANY = 255;

/** An upstream record type matches the wanted type, ANY matching everything (typematch). */
export function typeMatch(rtype: number, qtype: number): boolean {
  return rtype === qtype || qtype === T_ANY;
}

export interface Question {
  name: Buffer;
  type: number;
  qclass: number;
  id: number;
}

/**
 * A client's question, or undefined when dnscache would ignore the packet: a response, no RD,
 * an opcode, TC set, QDCOUNT not 1, a bad name, or a class other than IN and ANY.
 */
export function parseQuery(buf: Uint8Array, len: number): Question | undefined {
  if (len < 12) return undefined;
  const flags = buf[2]!;
  if (flags & 128 || !(flags & 1) || flags & 120 || flags & 2) return undefined;
  if (buf[4] !== 0 || buf[5] !== 1) return undefined;
  const pos = getName(buf, len, 12);
  if (!pos || pos + 4 > len) return undefined;
  const qclass = u16(buf, pos + 2);
  if (qclass !== C_IN && qclass !== C_ANY) return undefined;
  return { name: packetName(), type: u16(buf, pos), qclass, id: u16(buf, 0) };
}
