// supervise/status as daemontools 0.76 writes it: 18 bytes.
//  0..11 TAI64N of the last pid change, 12..15 pid little-endian, 16 paused, 17 want.
import { Buffer } from 'node:buffer';
import { readRegularFile } from './bounded-read.js';
import { packTai64n, TAI64_BASE, unpackTai64n, type WallTime } from './tai64n.js';

export const STATUS_SIZE = 18;

export type Want = 'up' | 'down' | 'none';

export interface StatusRecord {
  /** When the pid last changed (start or death of ./run). */
  since: WallTime;
  /** Pid of ./run, 0 when down. */
  pid: number;
  paused: boolean;
  want: Want;
}

const WANT_BYTE: Record<Want, number> = { up: 0x75, down: 0x64, none: 0 };

export function encodeStatus(status: StatusRecord): Buffer {
  const buf = Buffer.alloc(STATUS_SIZE);
  packTai64n(status.since, buf, 0);
  buf.writeUInt32LE(status.pid >>> 0, 12);
  buf[16] = status.paused && status.pid !== 0 ? 1 : 0;
  buf[17] = WANT_BYTE[status.want];
  return buf;
}

/** Decodes the first 18 bytes; undefined when the record is too short (svstat: "bad format"). */
export function decodeStatus(buf: Buffer): StatusRecord | undefined {
  const fields = statusFields(buf);
  if (!fields) return undefined;
  return { since: unpackTai64n(buf, 0), pid: fields.pid, paused: fields.paused, want: fields.want };
}

/** The record as daemontools 0.76's svstat reads it, the stamp kept whole: a garbage stamp needs
 * all 64 bits to print the seconds svstat prints. */
export interface StatusFields {
  /** TAI64 seconds of the last pid change (2^62 + 10 + Unix seconds for a real time). */
  tai: bigint;
  nanoseconds: number;
  pid: number;
  paused: boolean;
  want: Want;
}

/** The first 18 bytes as svstat reads them; undefined when fewer. */
export function statusFields(buf: Buffer): StatusFields | undefined {
  if (buf.length < STATUS_SIZE) return undefined;
  const wantByte = buf[17];
  return {
    tai: buf.readBigUInt64BE(0),
    nanoseconds: buf.readUInt32BE(8),
    pid: buf.readUInt32LE(12),
    paused: buf[16] !== 0,
    want: wantByte === 0x75 ? 'up' : wantByte === 0x64 ? 'down' : 'none',
  };
}

const UINT64 = 0xffffffffffffffffn;

/**
 * now − stamp in whole seconds on the TAI64 scale, 0 when the stamp is in the future, as 0.76's
 * svstat computes it: it goes through a double on the way to printing, so huge differences
 * (garbage stamps) are rounded to what a double holds.
 */
export function elapsedSeconds(tai: bigint, nowUnixSeconds: number): bigint {
  const now = (TAI64_BASE + BigInt(nowUnixSeconds)) & UINT64;
  if (now < tai) return 0n;
  return BigInt(Number(now - tai));
}

/** The latest Unix time in ms a Date can hold (year 275760). */
export const MAX_TIME_MS = 8.64e15;

/**
 * The stamp as Unix time in ms; undefined when it is no time a status can hold (before 1970,
 * beyond what a Date holds, nanoseconds of 10^9 or more): the record is garbage.
 */
export function stampMillis(fields: StatusFields): number | undefined {
  if (fields.tai < TAI64_BASE || fields.nanoseconds >= 1e9) return undefined;
  const ms = Number(fields.tai - TAI64_BASE) * 1000 + Math.floor(fields.nanoseconds / 1e6);
  return ms <= MAX_TIME_MS ? ms : undefined;
}

/**
 * The record in SERVICEDIR/supervise/status, read as svstat reads it (18 bytes of a regular
 * file, opened non-blocking: a FIFO or a symlink to /dev/zero there is no record, never a hang
 * or an endless read); undefined when there is none.
 */
export function readStatusRecord(serviceDir: string): StatusRecord | undefined {
  const read = readRegularFile(`${serviceDir}/supervise/status`, STATUS_SIZE, true);
  return read.ok ? decodeStatus(read.bytes) : undefined;
}
