// supervise/status.json: what fortress's supervise records beyond the 18-byte status, which the
// 0.76 tools never read. Written to status.json.new and renamed, like status.
// Builtins through getBuiltinModule: an ES import of node:fs builds its whole namespace
// (about 0.4 MiB and several ms in every program that loads this module).
const { readFileSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

export const EXTRA_STATUS_FILE = 'status.json';

export interface LastExit {
  /** Exit code when ./run exited, null when a signal killed it. */
  code: number | null;
  /** Signal name (`SIGTERM`) when a signal killed it, else null. */
  signal: string | null;
  /** Unix time in milliseconds of the exit. */
  at: number;
}

/** Why ./run could not be started (supervise's message without its prefix), and when. */
export interface StartError {
  /** `unable to start DIR/run: file does not exist` */
  text: string;
  /** Unix time in milliseconds of the failed start. */
  at: number;
}

export interface ExtraStatus {
  /** Pid of ./run, 0 when down (same as the 18-byte record). */
  pid: number;
  /** Process group of ./run (it leads its own session), 0 when down. */
  pgid: number;
  /** Starts of ./run since this supervise began, the first one included. */
  starts: number;
  /** Unix time in milliseconds of the last start of ./run, null before any. */
  lastStart: number | null;
  lastExit: LastExit | null;
  /** Pid of supervise itself (or of the process hosting it). */
  supervisor: number;
  /** The last failed start of ./run; null once ./run starts (absent in files of older supervises). */
  startError?: StartError | null;
}

/** Reads DIR/supervise/status.json; undefined when absent or unreadable or malformed. */
export function readExtraStatus(serviceDir: string): ExtraStatus | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(join(serviceDir, 'supervise', EXTRA_STATUS_FILE), 'utf8'));
    if (typeof value !== 'object' || value === null || typeof (value as ExtraStatus).pid !== 'number') return undefined;
    return value as ExtraStatus;
  } catch {
    return undefined;
  }
}
