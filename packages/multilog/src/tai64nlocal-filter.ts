// tai64nlocal: a TAI64N label at the start of a line becomes local time
// `YYYY-MM-DD HH:MM:SS.NNNNNNNNN`; everything else passes unchanged, malformed labels included.
import { TAI64_BASE } from '@fortress/core/tai64n';
import { formatLocalSeconds, isShowableSeconds } from './local-time.js';
import type { Sink } from './sink.js';

const NEWLINE = 10;
const AT = 0x40;
const LABEL_DIGITS = 24;
/** Longest run of hex digits held back; a longer one cannot be a label and is passed on. */
const HELD_MAX = 64;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** The local-time text for 24 lowercase hex digits, or undefined when they make no sensible time. */
export function convertLabel(digits: string): string | undefined {
  if (digits.length !== LABEL_DIGITS) return undefined;
  const seconds = Number(BigInt(`0x${digits.slice(0, 16)}`) - TAI64_BASE);
  const nanoseconds = Number.parseInt(digits.slice(16), 16);
  if (!isShowableSeconds(seconds) || nanoseconds > 999_999_999) return undefined;
  return `${formatLocalSeconds(seconds)}.${String(nanoseconds).padStart(9, '0')}`;
}

const State = { LineStart: 0, Label: 1, Body: 2 } as const;
type StateValue = (typeof State)[keyof typeof State];

export class Tai64nLocalFilter {
  private readonly sink: Sink;
  private state: StateValue = State.LineStart;
  private held = '';
  /** The seconds part (16 hex digits) last converted, and its text `YYYY-MM-DD HH:MM:SS.`. */
  private readonly cachedHex = Buffer.alloc(16);
  private cachedText: Buffer | undefined;
  private readonly digits = Buffer.alloc(9);

  constructor(sink: Sink) {
    this.sink = sink;
  }

  feed(buf: Buffer, n: number): void {
    let pos = 0;
    while (pos < n) {
      if (this.state === State.Body) {
        let end = buf.indexOf(NEWLINE, pos);
        if (end < 0 || end >= n) end = n;
        else {
          end++;
          this.state = State.LineStart;
        }
        this.sink.put(buf, pos, end);
        pos = end;
      } else if (this.state === State.LineStart) {
        const skip = this.convertInPlace(buf, pos, n);
        if (skip > 0) {
          pos += skip;
          this.state = State.Body;
        } else if (buf[pos] === AT) {
          this.state = State.Label;
          this.held = '';
          pos++;
        } else this.state = State.Body;
      } else {
        const byte = buf[pos]!;
        if (hexValue(byte) >= 0 && this.held.length < HELD_MAX) {
          this.held += String.fromCharCode(byte);
          pos++;
        } else this.endLabel();
      }
    }
  }

  /**
   * The common case, without copying: a whole label and the character after it in this chunk.
   * Returns the bytes consumed, or 0 to leave the line to the general path.
   */
  private convertInPlace(buf: Buffer, pos: number, n: number): number {
    if (buf[pos] !== AT || pos + LABEL_DIGITS + 1 >= n) return 0;
    let nanoseconds = 0;
    for (let i = 1; i <= LABEL_DIGITS; i++) {
      const v = hexValue(buf[pos + i]!);
      if (v < 0) return 0;
      if (i > 16) nanoseconds = nanoseconds * 16 + v;
    }
    if (hexValue(buf[pos + LABEL_DIGITS + 1]!) >= 0 || nanoseconds > 999_999_999) return 0;
    if (!this.cachedText || buf.compare(this.cachedHex, 0, 16, pos + 1, pos + 17) !== 0) {
      const text = convertLabel(buf.toString('latin1', pos + 1, pos + 1 + LABEL_DIGITS));
      if (text === undefined) return 0;
      buf.copy(this.cachedHex, 0, pos + 1, pos + 17);
      this.cachedText = Buffer.from(text.slice(0, 20), 'latin1');
    }
    this.sink.put(this.cachedText, 0, this.cachedText.length);
    for (let k = 8; k >= 0; k--) {
      this.digits[k] = 0x30 + (nanoseconds % 10);
      nanoseconds = Math.floor(nanoseconds / 10);
    }
    this.sink.put(this.digits, 0, 9);
    return LABEL_DIGITS + 1;
  }

  /** End of input: a label still being read is converted as it stands. */
  end(): void {
    if (this.state === State.Label) this.endLabel();
  }

  private endLabel(): void {
    const text = convertLabel(this.held);
    this.sink.putString(text ?? `@${this.held}`);
    this.held = '';
    this.state = State.Body;
  }
}
