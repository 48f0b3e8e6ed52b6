// supervise/status as daemontools 0.76 writes it: 18 bytes.
//  0..11 TAI64N of the last pid change, 12..15 pid little-endian, 16 paused, 17 want.
import { Buffer } from 'node:buffer';
import { packTai64n, unpackTai64n, type WallTime } from './tai64n.js';

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
  if (buf.length < STATUS_SIZE) return undefined;
  const wantByte = buf[17];
  return {
    since: unpackTai64n(buf, 0),
    pid: buf.readUInt32LE(12),
    paused: buf[16] !== 0,
    want: wantByte === 0x75 ? 'up' : wantByte === 0x64 ? 'down' : 'none',
  };
}
