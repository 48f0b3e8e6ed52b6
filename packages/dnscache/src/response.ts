// The answer being built for one client (response.c): question, answers with name compression,
// NXDOMAIN/SERVFAIL flags and truncation. One module-level buffer: answers are built
// synchronously and copied out before anything else runs.
import { domainEqual, domainLength } from './domain.js';

const MAX = 65535;
const NAMES = 100;
export const response = Buffer.alloc(MAX);
export let responseLength = 0;
let tcTarget = 0;
let dpos = 0;
let hideTtl = false;
/** The suffixes written so far, for compression: copies at 256-byte steps, and where each is. */
const names = Buffer.alloc(NAMES * 256);
const namePtr: number[] = [];
let nameNum = 0;

export function responseHideTtl(on: boolean): void {
  hideTtl = on;
}

function addBytes(buf: Uint8Array, start: number, len: number): boolean {
  if (len > MAX - responseLength) return false;
  if (len <= 64) {
    for (let i = 0; i < len; i++) response[responseLength + i] = buf[start + i]!;
  } else response.set(buf.subarray(start, start + len), responseLength);
  responseLength += len;
  return true;
}

function addU16(v: number): boolean {
  if (2 > MAX - responseLength) return false;
  response[responseLength++] = v >> 8;
  response[responseLength++] = v & 255;
  return true;
}

export function responseAddBytes(buf: Uint8Array, start: number, len: number): boolean {
  return addBytes(buf, start, len);
}

/** Appends a name, pointing at an earlier copy of any suffix already written. */
export function responseAddName(d: Uint8Array): boolean {
  let pos = 0;
  let dlen = domainLength(d);
  while (d[pos]) {
    for (let i = 0; i < nameNum; i++) {
      if (domainEqual(d, names, pos, 256 * i)) return addU16(49152 + namePtr[i]!);
    }
    if (dlen <= 128 && nameNum < NAMES && responseLength < 16384) {
      for (let i = 0; i < dlen; i++) names[256 * nameNum + i] = d[pos + i]!;
      namePtr[nameNum] = responseLength;
      nameNum++;
    }
    const n = d[pos]! + 1;
    if (!addBytes(d, pos, n)) return false;
    pos += n;
    dlen -= n;
  }
  return addBytes(d, pos, 1);
}

/** Starts an answer: header QR|RD|RA with one question. */
export function responseQuery(q: Uint8Array, qtype: number, qclass: number): boolean {
  responseLength = 0;
  nameNum = 0;
  response.fill(0, 0, 12);
  response[2] = 0x81;
  response[3] = 0x80;
  response[5] = 1;
  responseLength = 12;
  if (!responseAddName(q)) return false;
  if (!addU16(qtype) || !addU16(qclass)) return false;
  tcTarget = responseLength;
  return true;
}

export function responseRStart(d: Uint8Array, type: number, ttl: number): boolean {
  if (!responseAddName(d)) return false;
  if (14 > MAX - responseLength) return false;
  response.writeUInt16BE(type, responseLength);
  response.writeUInt16BE(1, responseLength + 2);
  response.writeUInt32BE(hideTtl ? 0 : ttl >>> 0, responseLength + 4);
  response.writeUInt16BE(0, responseLength + 8);
  responseLength += 10;
  dpos = responseLength;
  return true;
}

/** Finishes the record: fills in its data length, counts it as an answer. */
export function responseRFinish(): void {
  response.writeUInt16BE(responseLength - dpos, dpos - 2);
  const n = (response.readUInt16BE(6) + 1) & 0xffff;
  response.writeUInt16BE(n, 6);
}

export function responseCname(c: Uint8Array, d: Uint8Array, ttl: number): boolean {
  if (!responseRStart(c, 5, ttl)) return false;
  if (!responseAddName(d)) return false;
  responseRFinish();
  return true;
}

export function responseNxdomain(): void {
  response[3]! |= 3;
  response[2]! |= 4;
}

export function responseServfail(): void {
  response[3]! |= 2;
}

/** A copy of the finished answer with the client's id; UDP answers over 512 bytes get TC. */
export function responseFor(id: number, udp: boolean): Buffer {
  const out = Buffer.allocUnsafe(responseLength);
  return out.subarray(0, responseInto(id, udp, out, 0));
}

/** Writes the finished answer with the client's id at target[offset]; returns its length. */
export function responseInto(id: number, udp: boolean, target: Uint8Array, offset: number): number {
  response[0] = id >> 8;
  response[1] = id & 255;
  let len = responseLength;
  if (udp && len > 512) {
    response[2]! |= 2;
    len = tcTarget;
  }
  if (len <= 128) for (let i = 0; i < len; i++) target[offset + i] = response[i]!;
  else response.copy(target, offset, 0, len);
  return len;
}
