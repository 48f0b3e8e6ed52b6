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
        if (buf[pos] === AT) {
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
