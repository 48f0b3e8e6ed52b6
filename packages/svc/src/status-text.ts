// svstat's line for a readable status record, exactly as daemontools 0.76 prints it.
import type { Buffer } from 'node:buffer';

const TAI_OFFSET = 0x400000000000000an;
const UINT64 = 0xffffffffffffffffn;

export interface StatusFields {
  pid: number;
  /** Seconds since the last pid change, as 0.76 computes them (see elapsedSeconds). */
  seconds: bigint;
  paused: boolean;
  /** The raw want byte: 0x75 'u', 0x64 'd', anything else means no wish. */
  wantByte: number;
}

/**
 * now − stamp in whole seconds on the TAI64 scale, 0 when the stamp is in the future. 0.76 goes
 * through a double on the way to printing, so huge differences (garbage stamps) are rounded to
 * what a double holds; this reproduces that rounding.
 */
export function elapsedSeconds(status: Buffer, nowUnixSeconds: number): bigint {
  const when = status.readBigUInt64BE(0);
  const now = (TAI_OFFSET + BigInt(nowUnixSeconds)) & UINT64;
  if (now < when) return 0n;
  return BigInt(Number(now - when));
}

export function statusFields(status: Buffer, nowUnixSeconds: number): StatusFields {
  return {
    pid: status.readUInt32LE(12),
    seconds: elapsedSeconds(status, nowUnixSeconds),
    paused: status[16] !== 0,
    wantByte: status[17] ?? 0,
  };
}

/** `up (pid P) S seconds[, normally down][, paused][, want down]` or `down S seconds[, normally up][, want up]`. */
export function statusText(fields: StatusFields, normallyUp: boolean): string {
  const up = fields.pid !== 0;
  let text = up ? `up (pid ${fields.pid}) ${fields.seconds} seconds` : `down ${fields.seconds} seconds`;
  if (up && !normallyUp) text += ', normally down';
  if (!up && normallyUp) text += ', normally up';
  if (up && fields.paused) text += ', paused';
  if (!up && fields.wantByte === 0x75) text += ', want up';
  if (up && fields.wantByte === 0x64) text += ', want down';
  return text;
}

/** Whole seconds of the wall clock, as time(2). */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
