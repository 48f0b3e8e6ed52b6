// TAI64N labels: 8 bytes big-endian 2^62 + 10 + unix seconds, 4 bytes big-endian nanoseconds.
import { Buffer } from 'node:buffer';

export const TAI64_BASE = 0x400000000000000an;

export interface WallTime {
  seconds: number;
  nanoseconds: number;
}

// hrtime has nanosecond resolution but no epoch: anchor it to Date.now(), and again every
// second, since supervise and multilog run for months and the clock may be set meanwhile (NTP
// step, VM resume). Labels never go backwards except when the wall clock itself is set back.
const REANCHOR_NS = 1_000_000_000n;
/** A backward step smaller than this comes from re-anchoring jitter, not from a clock set. */
const JITTER_NS = 2_000_000_000n;

let anchorHr = -REANCHOR_NS * 2n;
let anchorWall = 0n;
let last = 0n;

/** Now, in nanoseconds since the epoch. */
export function wallTimeNs(): bigint {
  const hr = process.hrtime.bigint();
  if (hr - anchorHr >= REANCHOR_NS) {
    anchorHr = hr;
    anchorWall = BigInt(Date.now()) * 1_000_000n;
  }
  let ns = anchorWall + (hr - anchorHr);
  if (ns < last && last - ns < JITTER_NS) ns = last;
  last = ns;
  return ns;
}

/** The wall clock with nanosecond resolution. */
export function wallTime(): WallTime {
  const ns = wallTimeNs();
  return { seconds: Number(ns / 1_000_000_000n), nanoseconds: Number(ns % 1_000_000_000n) };
}

/** Packs a time into 12 bytes of TAI64N at `offset` of `out`. */
export function packTai64n(time: WallTime, out: Buffer = Buffer.alloc(12), offset = 0): Buffer {
  out.writeBigUInt64BE(TAI64_BASE + BigInt(time.seconds), offset);
  out.writeUInt32BE(time.nanoseconds, offset + 8);
  return out;
}

/** Reads 12 bytes of TAI64N back into a wall time. */
export function unpackTai64n(buf: Buffer, offset = 0): WallTime {
  return {
    seconds: Number(buf.readBigUInt64BE(offset) - TAI64_BASE),
    nanoseconds: buf.readUInt32BE(offset + 8),
  };
}

/** `@` and 24 lowercase hex digits, as tai64n and multilog print. */
export function formatTai64nLabel(time: WallTime): string {
  return `@${packTai64n(time).toString('hex')}`;
}

const LABEL = /^@([0-9a-fA-F]{16})([0-9a-fA-F]{8})$/;

/** Parses `@` + 24 hex digits; undefined when malformed. */
export function parseTai64nLabel(label: string): WallTime | undefined {
  const m = LABEL.exec(label);
  if (!m?.[1] || !m[2]) return undefined;
  const tai = BigInt(`0x${m[1]}`);
  return { seconds: Number(tai - TAI64_BASE), nanoseconds: Number.parseInt(m[2], 16) };
}
