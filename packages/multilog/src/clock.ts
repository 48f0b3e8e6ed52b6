// The wall clock for labels. core's wallTime() anchors the monotonic clock to the wall clock once
// per process; a logger runs for months, so a clock set (NTP step, VM resume) would leave its
// labels wrong forever. This one re-anchors to Date.now() every second and keeps nanosecond
// steps in between; labels never go backwards except when the wall clock itself is set back.
import type { WallTime } from '@fortress/core/tai64n';

const REANCHOR_NS = 1_000_000_000n;
/** A backward jump smaller than this comes from re-anchoring jitter, not from a clock set. */
const JITTER_NS = 2_000_000_000n;

let anchorHr = -REANCHOR_NS * 2n;
let anchorWall = 0n;
let last = 0n;

/** Now, in nanoseconds since the epoch. */
export function nowNs(): bigint {
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

/** Now as seconds and nanoseconds. */
export function now(): WallTime {
  const ns = nowNs();
  return { seconds: Number(ns / 1_000_000_000n), nanoseconds: Number(ns % 1_000_000_000n) };
}
