// readproctitle's window (daemontools 0.76): the last argument turned into dots, then the most
// recent input shown at its end, its first three bytes staying `...`.

const DOT = 0x2e;
/** The bytes at the start of the window that never change. */
const FIXED = 3;
/** The shortest window 0.76 accepts. */
export const MIN_WINDOW = 5;

export class TitleWindow {
  readonly bytes: Buffer;
  /** The newest input bytes, gathered from the end of a read. */
  private readonly tail: Buffer;

  constructor(length: number) {
    this.bytes = Buffer.alloc(length, DOT);
    this.tail = Buffer.alloc(length - FIXED);
  }

  /**
   * Takes input as 0.76 does byte by byte: each byte other than NUL moves the window's bytes
   * from the fourth on one place left and goes at the end. Returns whether anything changed.
   * Only the last bytes of the input that can still show are looked at.
   */
  push(input: Buffer): boolean {
    const length = this.bytes.length;
    const shown = length - FIXED;
    let taken = 0;
    for (let i = input.length - 1; i >= 0 && taken < shown; i -= 1) {
      if (input[i] !== 0) {
        taken += 1;
        this.tail[shown - taken] = input[i]!;
      }
    }
    if (taken === 0) return false;
    if (taken < shown) this.bytes.copyWithin(FIXED, FIXED + taken);
    this.tail.copy(this.bytes, length - taken, shown - taken);
    return true;
  }
}
