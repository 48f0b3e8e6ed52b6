// A service's log as the page shows it: the multilog directory its log/run names (log/main by
// default), the last lines of its `current`, and the lines appended since, with TAI64N labels in
// local time as tai64nlocal prints them.
import { TAI64_BASE } from '@fortress/core/tai64n';

const { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } = process.getBuiltinModule('node:fs');
const { isAbsolute, join } = process.getBuiltinModule('node:path');

/** How much of the end of `current` is read at first, and at most per change. */
const TAIL_BYTES = 8192;
export const KEPT_LINES = 10;

/**
 * The log directory of a service, best effort: the last `./dir` or `/dir` word of log/run's
 * multilog or multilog-attach line (`exec setuidgid log multilog-attach t ./main`), else log/main.
 */
export function logDirOf(serviceDir: string): string {
  const logService = join(serviceDir, 'log');
  try {
    const run = readFileSync(join(logService, 'run'), 'latin1');
    for (const line of run.split('\n').reverse()) {
      const words = line.replace(/#.*/, '').trim().split(/\s+/);
      const at = words.findIndex((w) => w === 'multilog' || w === 'multilog-attach');
      if (at === -1) continue;
      const dirs = words.slice(at + 1).filter((w) => w.startsWith('./') || w.startsWith('/'));
      const last = dirs.at(-1);
      if (last) return isAbsolute(last) ? last : join(logService, last);
    }
  } catch {
    // no log/run: the usual place
  }
  return join(logService, 'main');
}

function hexDigits(text: string): boolean {
  return /^[0-9a-f]{24}$/.test(text);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A line with its leading `@` + 24 hex digits label as tai64nlocal shows it; others unchanged. */
export function localTimeLine(line: string): string {
  if (line[0] !== '@' || !hexDigits(line.slice(1, 25))) return line;
  const seconds = Number(BigInt(`0x${line.slice(1, 17)}`) - TAI64_BASE);
  const nanoseconds = Number.parseInt(line.slice(17, 25), 16);
  if (!Number.isFinite(seconds) || Math.abs(seconds) > 8.64e12 || nanoseconds > 999_999_999) return line;
  const d = new Date(seconds * 1000);
  const stamp =
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(nanoseconds, 9)}`;
  return stamp + line.slice(25);
}

/** Follows one `current` file: what is new since the last look, across multilog's rotations. */
export class LogFollower {
  readonly file: string;
  /** The last lines, in local time. */
  lines: string[] = [];
  /** Bytes seen appended since the dashboard began following (rotations included). */
  bytesWritten = 0;
  private inode = -1;
  private offset = 0;
  private partial = '';

  constructor(logDir: string) {
    this.file = join(logDir, 'current');
  }

  /** Reads what changed; returns the complete new lines (already kept in `lines`), the first tail included. */
  update(): string[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const st = fstatSync(fd);
      const first = this.inode === -1;
      if (st.ino !== this.inode || st.size < this.offset) {
        // A new file (rotation): its whole content is new, but only its tail is shown.
        if (!first) this.bytesWritten += st.size;
        this.inode = st.ino;
        this.offset = Math.max(0, st.size - TAIL_BYTES);
        this.partial = '';
        if (this.offset > 0) this.partial = '\0'; // drop the cut first line
      } else {
        this.bytesWritten += st.size - this.offset;
      }
      if (st.size - this.offset > TAIL_BYTES) {
        this.offset = st.size - TAIL_BYTES;
        this.partial = '\0';
      }
      const length = st.size - this.offset;
      if (length <= 0) return [];
      const buf = Buffer.alloc(length);
      const got = readSync(fd, buf, 0, length, this.offset);
      this.offset += got;
      const text = this.partial + buf.toString('utf8', 0, got);
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      if (parts[0]?.startsWith('\0')) parts.shift();
      const fresh = parts.map(localTimeLine);
      this.lines = [...this.lines, ...fresh].slice(-KEPT_LINES);
      return fresh.slice(-KEPT_LINES);
    } finally {
      closeSync(fd);
    }
  }
}

/** True when the path exists (a log directory to watch). */
export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
