// Line stamps: `t` (TAI64N label and a space) and `T` (local time as s6-log prints it, two spaces).
import { wallTime } from '@fortress/core/tai64n';
import { formatLocalSeconds } from './local-time.js';

export type StampKind = 'none' | 'tai64n' | 'iso';

const HEX = '0123456789abcdef';
const TAI64_BASE_HIGH = 0x40000000; // high 32 bits of 2^62; + 10 + seconds fits the low part for centuries

/** Lengths of the prefixes each stamp kind adds. */
export function stampLength(kind: StampKind): number {
  return kind === 'tai64n' ? 26 : kind === 'iso' ? 31 : 0;
}

/**
 * Writes the stamp for "now" into `out` at `offset` and returns its length. The seconds part is
 * formatted once per second and reused; only the nanoseconds change between calls.
 */
export class Stamper {
  readonly kind: StampKind;
  readonly length: number;
  private cachedSeconds = -1;
  private cachedPrefix = Buffer.alloc(0);

  constructor(kind: StampKind) {
    this.kind = kind;
    this.length = stampLength(kind);
  }

  write(out: Buffer, offset: number): number {
    if (this.kind === 'none') return 0;
    const now = wallTime();
    if (now.seconds !== this.cachedSeconds) {
      this.cachedSeconds = now.seconds;
      this.cachedPrefix = Buffer.from(this.formatSeconds(now.seconds), 'latin1');
    }
    this.cachedPrefix.copy(out, offset);
    let o = offset + this.cachedPrefix.length;
    if (this.kind === 'tai64n') {
      let ns = now.nanoseconds;
      for (let k = 7; k >= 0; k--) {
        out[o + k] = HEX.charCodeAt(ns & 15);
        ns >>>= 4;
      }
      out[o + 8] = 0x20;
    } else {
      let ns = now.nanoseconds;
      for (let k = 8; k >= 0; k--) {
        out[o + k] = 0x30 + (ns % 10);
        ns = Math.floor(ns / 10);
      }
      out[o + 9] = 0x20;
      out[o + 10] = 0x20;
    }
    o += this.kind === 'tai64n' ? 9 : 11;
    return o - offset;
  }

  private formatSeconds(seconds: number): string {
    if (this.kind === 'iso') return `${formatLocalSeconds(seconds)}.`;
    const low = seconds + 10;
    const high = TAI64_BASE_HIGH + Math.floor(low / 0x1_0000_0000);
    return `@${high.toString(16).padStart(8, '0')}${(low >>> 0).toString(16).padStart(8, '0')}`;
  }
}
