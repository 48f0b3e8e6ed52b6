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

  private readonly errFd: number;

  constructor(steps: readonly Step[], stamper: Stamper, errFd = 2) {
    this.errFd = errFd;
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
  feed(n: number): Promise<void> {
    if (this.stamper.length > 0) this.stamper.write(this.arena, this.stampAt);
    return this.fast ? this.feedFast(n) : this.feedGeneral(n);
  }

  /** End of input: a partial last line gets its newline. */
  async endOfInput(): Promise<void> {
    if (!this.inLine) return;
    if (this.fast) {
      this.line[0] = NEWLINE;
      for (const output of this.outputs) await output.write(this.line, 0, 1);
    } else if (this.decided) {
      this.line[0] = NEWLINE;
      await this.emit(this.line, 0, 1);
    } else {
      await this.decide();
      this.line[this.lineLength] = NEWLINE;
      await this.emit(this.line, 0, this.lineLength + 1);
    }
    this.inLine = false;
  }

  async flush(): Promise<void> {
    for (const output of this.outputs) await output.flush();
  }

  private async feedFast(n: number): Promise<void> {
    const a = this.arena;
    const stampLength = this.stamper.length;
    if (stampLength === 0) {
      for (const output of this.outputs) await output.write(a, 0, n);
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
        await this.emitAll(base, o);
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
    await this.emitAll(base, o);
  }

  private async emitAll(start: number, end: number): Promise<void> {
    if (end > start) for (const output of this.outputs) await output.write(this.arena, start, end);
  }

  private async feedGeneral(n: number): Promise<void> {
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
        const writing = this.emit(a, pos, end);
        if (writing) await writing;
        pos = end;
        if (nl >= 0) this.inLine = false;
        continue;
      }
      const take = Math.min((nl < 0 ? n : nl) - pos, LINE_MAX - this.lineLength);
      a.copy(this.line, this.lineLength, pos, pos + take);
      this.lineLength += take;
      pos += take;
      if (pos === nl) {
        const deciding = this.decide();
        if (deciding) await deciding;
        this.line[this.lineLength] = NEWLINE;
        const writing = this.emit(this.line, 0, this.lineLength + 1);
        if (writing) await writing;
        pos = nl + 1;
        this.inLine = false;
      } else if (this.lineLength === LINE_MAX) {
        const deciding = this.decide();
        if (deciding) await deciding;
        const writing = this.emit(this.line, 0, this.lineLength);
        if (writing) await writing;
        this.decided = true;
      }
    }
  }

  /**
   * Runs the script over the kept part of the line; remembers which outputs take it. A promise
   * only when a status file's write failed and pauses (lines then wait for it).
   */
  private decide(): Promise<void> | undefined {
    this.targetCount = 0;
    return this.decideFrom(0, true);
  }

  private decideFrom(first: number, selectedBefore: boolean): Promise<void> | undefined {
    const line = this.line;
    const length = this.lineLength;
    let selected = selectedBefore;
    for (let i = first; i < this.steps.length; i++) {
      const step = this.steps[i]!;
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
          if (selected) {
            const updating = step.file.update(line, length);
            if (updating) return updating.then(() => this.decideFrom(i + 1, selected));
          }
          break;
        case 'output':
          if (selected) this.targets[this.targetCount++] = step.output;
          break;
      }
    }
  }

  private emit(src: Buffer, start: number, end: number): Promise<void> | undefined {
    for (let i = 0; i < this.targetCount; i++) {
      const writing = this.targets[i]!.write(src, start, end);
      if (writing) return this.emitFrom(writing, i + 1, src, start, end);
    }
    return undefined;
  }

  private async emitFrom(writing: Promise<void>, next: number, src: Buffer, start: number, end: number): Promise<void> {
    await writing;
    for (let i = next; i < this.targetCount; i++) await this.targets[i]!.write(src, start, end);
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
      writeAll(this.errFd, b, 0, length);
    } catch {
      // stderr gone: the alert is lost, the logs are not.
    }
  }
}
