// Splits input into lines, stamps them, runs the script's selection and hands lines to outputs.
// Two paths: a fast one when every line goes everywhere (no patterns, `e` or `=`), and the
// general one that keeps each line's first 1000 bytes for matching as 0.76 does.
import type { Output } from './output.js';
import { matchPattern } from './pattern.js';
import type { Stamper } from './stamp.js';
import type { StatusFile } from './status-file.js';
import { writeAll } from './write-all.js';

/** Bytes per read of input. */
export const CHUNK = 64 * 1024;
/** Bytes of a line (stamp included) kept for patterns, `e` and `=`. */
export const LINE_MAX = 1000;
const ALERT_MAX = 200;
const NEWLINE = 10;
const SCRATCH = 4 * CHUNK;
const STAMP_ROOM = 64;

export type Step =
  | { op: 'deselect'; pattern: Buffer }
  | { op: 'select'; pattern: Buffer }
  | { op: 'alert' }
  | { op: 'status'; file: StatusFile }
  | { op: 'output'; output: Output };

export class LineEngine {
  /** Input is read into `arena[0..CHUNK)`; the fast path builds stamped output after it. */
  readonly arena = Buffer.allocUnsafe(CHUNK + SCRATCH + STAMP_ROOM);
  private readonly stampAt = CHUNK + SCRATCH;
  private readonly steps: readonly Step[];
  private readonly outputs: readonly Output[];
  private readonly stamper: Stamper;
  private readonly fast: boolean;
  private inLine = false;
  private decided = false;
  private readonly line = Buffer.allocUnsafe(LINE_MAX + 1);
  private lineLength = 0;
  private readonly targets: Output[] = [];
  private targetCount = 0;
  private readonly alertBuffer = Buffer.allocUnsafe(ALERT_MAX + 4);

  constructor(steps: readonly Step[], stamper: Stamper) {
    this.steps = steps;
    this.stamper = stamper;
    this.outputs = steps.flatMap((s) => (s.op === 'output' ? [s.output] : []));
    this.fast = steps.every((s) => s.op === 'output');
  }

  /** True while a line has begun and its newline has not been seen. */
  get midLine(): boolean {
    return this.inLine;
  }

  /** Processes `arena[0..n)`, just read. Lines starting here get the stamp of this moment. */
  feed(n: number): void {
    if (this.stamper.length > 0) this.stamper.write(this.arena, this.stampAt);
    if (this.fast) this.feedFast(n);
    else this.feedGeneral(n);
  }

  /** End of input: a partial last line gets its newline. */
  endOfInput(): void {
    if (!this.inLine) return;
    if (this.fast) {
      this.line[0] = NEWLINE;
      for (const output of this.outputs) output.write(this.line, 0, 1);
    } else if (this.decided) {
      this.line[0] = NEWLINE;
      this.emit(this.line, 0, 1);
    } else {
      this.decide();
      this.line[this.lineLength] = NEWLINE;
      this.emit(this.line, 0, this.lineLength + 1);
    }
    this.inLine = false;
  }

  flush(): void {
    for (const output of this.outputs) output.flush();
  }

  private feedFast(n: number): void {
    const a = this.arena;
    const stampLength = this.stamper.length;
    if (stampLength === 0) {
      for (const output of this.outputs) output.write(a, 0, n);
      this.inLine = a[n - 1] !== NEWLINE;
      return;
    }
    const base = CHUNK;
    const limit = CHUNK + SCRATCH;
    const stampAt = this.stampAt;
    let o = base;
    let pos = 0;
    let inLine = this.inLine;
    while (pos < n) {
      let end = a.indexOf(NEWLINE, pos);
      if (end < 0 || end >= n) end = n;
      else end++;
      if (o + stampLength + (end - pos) > limit) {
        this.emitAll(base, o);
        o = base;
      }
      if (!inLine) {
        a.copyWithin(o, stampAt, stampAt + stampLength);
        o += stampLength;
      }
      a.copyWithin(o, pos, end);
      o += end - pos;
      inLine = a[end - 1] !== NEWLINE;
      pos = end;
    }
    this.inLine = inLine;
    this.emitAll(base, o);
  }

  private emitAll(start: number, end: number): void {
    if (end > start) for (const output of this.outputs) output.write(this.arena, start, end);
  }

  private feedGeneral(n: number): void {
    const a = this.arena;
    let pos = 0;
    while (pos < n) {
      if (!this.inLine) {
        this.arena.copy(this.line, 0, this.stampAt, this.stampAt + this.stamper.length);
        this.lineLength = this.stamper.length;
        this.decided = false;
        this.inLine = true;
      }
      let nl = a.indexOf(NEWLINE, pos);
      if (nl >= n) nl = -1;
      if (this.decided) {
        const end = nl < 0 ? n : nl + 1;
        this.emit(a, pos, end);
        pos = end;
        if (nl >= 0) this.inLine = false;
        continue;
      }
      const take = Math.min((nl < 0 ? n : nl) - pos, LINE_MAX - this.lineLength);
      a.copy(this.line, this.lineLength, pos, pos + take);
      this.lineLength += take;
      pos += take;
      if (pos === nl) {
        this.decide();
        this.line[this.lineLength] = NEWLINE;
        this.emit(this.line, 0, this.lineLength + 1);
        pos = nl + 1;
        this.inLine = false;
      } else if (this.lineLength === LINE_MAX) {
        this.decide();
        this.emit(this.line, 0, this.lineLength);
        this.decided = true;
      }
    }
  }

  /** Runs the script over the kept part of the line; remembers which outputs take it. */
  private decide(): void {
    const line = this.line;
    const length = this.lineLength;
    let selected = true;
    this.targetCount = 0;
    for (const step of this.steps) {
      switch (step.op) {
        case 'deselect':
          if (selected && matchPattern(step.pattern, line, length)) selected = false;
          break;
        case 'select':
          if (!selected && matchPattern(step.pattern, line, length)) selected = true;
          break;
        case 'alert':
          if (selected) this.alert();
          break;
        case 'status':
          if (selected) step.file.update(line, length);
          break;
        case 'output':
          if (selected) this.targets[this.targetCount++] = step.output;
          break;
      }
    }
  }

  private emit(src: Buffer, start: number, end: number): void {
    for (let i = 0; i < this.targetCount; i++) this.targets[i]!.write(src, start, end);
  }

  /** `e`: the line on stderr, cut to 200 bytes and `...` when longer. */
  private alert(): void {
    const b = this.alertBuffer;
    let length: number;
    if (this.lineLength > ALERT_MAX) {
      this.line.copy(b, 0, 0, ALERT_MAX);
      b.write('...\n', ALERT_MAX, 'latin1');
      length = ALERT_MAX + 4;
    } else {
      this.line.copy(b, 0, 0, this.lineLength);
      b[this.lineLength] = NEWLINE;
      length = this.lineLength + 1;
    }
    try {
      // A non-blocking stderr (a socket from Node's spawn, say) is waited on, not skipped.
      writeAll(2, b, 0, length);
    } catch {
      // stderr gone: the alert is lost, the logs are not.
    }
  }
}
