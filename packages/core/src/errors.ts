// Exit codes and message shapes shared by every program (ARCHITECTURE.md, "Exit codes and messages").
// Builtins through getBuiltinModule: an ES `import ... from 'node:fs'` costs about 8 ms of start-up.
import { errnoName, errorText } from './error-text.js';

export { DJB_TEXT, errnoName, errorCode, errorText } from './error-text.js';

const { writeSync } = process.getBuiltinModule('node:fs');

export const EXIT_OK = 0;
export const EXIT_FALSE = 1;
export const EXIT_PERMANENT = 100;
export const EXIT_TEMPORARY = 111;

/** An Error carrying an errno code, as Node's own fs errors do. */
export class SystemError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  constructor(syscall: string, errno: number) {
    const code = errnoName(errno) ?? 'EUNKNOWN';
    super(`${syscall}: ${code}`);
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
  }
}

/** What a FortressError may carry besides its text. */
export interface FortressErrorDetails {
  /** The file or directory it is about, for a caller that names it its own way (svc's byte strings). */
  path?: string;
  /** The text as bytes, when it holds a name that is not UTF-8: programs print these as they are. */
  bytes?: Buffer;
}

/**
 * The one error type of the suite: what failed, in djb's words (`text`: `unable to lock
 * directory ./main`), the underlying error (`cause`, printed with djb's errno text), a stable
 * `code` callers test instead of a class (`ERR_LOCK_BUSY`), and the exit code a program ends
 * with when it reports it (111 unless the failure is permanent). Not for errno failures of
 * libc calls: those are SystemError, shaped as Node's own.
 */
export class FortressError extends Error {
  readonly code: string;
  readonly text: string;
  readonly exitCode: number;
  readonly path: string | undefined;
  readonly bytes: Buffer | undefined;
  constructor(
    code: string,
    text: string,
    cause?: unknown,
    exitCode = EXIT_TEMPORARY,
    details: FortressErrorDetails = {},
  ) {
    super(cause === undefined ? text : `${text}: ${errorText(cause)}`, cause === undefined ? undefined : { cause });
    this.name = 'FortressError';
    this.code = code;
    this.text = text;
    this.exitCode = exitCode;
    this.path = details.path;
    this.bytes = details.bytes;
  }
}

/** A FortressError with the given code, or false: `if (isFortressError(err, 'ERR_X'))`. */
export function isFortressError(err: unknown, code?: string): err is FortressError {
  return err instanceof FortressError && (code === undefined || err.code === code);
}

/** Writes a line to fd 2 synchronously: safe before exec and at exit, never leaves stdio non-blocking. */
export function writeStderr(line: string): void {
  try {
    writeSync(2, line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    // stderr closed or full: nothing better to do with a diagnostic.
  }
}

/**
 * `PROG: fatal: TEXT[: ERR]`; returns the exit code so a main can `return fatal(...)`. TEXT may
 * be bytes (a file name that is not UTF-8), written as they are, as the originals do.
 */
export function fatal(prog: string, text: string | Buffer, err?: unknown, code = EXIT_TEMPORARY): number {
  const reason = err === undefined ? '' : `: ${errorText(err)}`;
  if (typeof text === 'string') writeStderr(`${prog}: fatal: ${text}${reason}`);
  else writeBytes(Buffer.concat([Buffer.from(`${prog}: fatal: `), text, Buffer.from(`${reason}\n`)]));
  return code;
}

/** The fatal line of a FortressError: its bytes when it has them, else its text. */
export function fatalFor(prog: string, err: FortressError): number {
  return fatal(prog, err.bytes ?? err.text, err.cause, err.exitCode);
}

function writeBytes(line: Buffer): void {
  try {
    writeSync(2, line);
  } catch {
    // stderr closed or full: nothing better to do with a diagnostic.
  }
}

/** `PROG: warning: TEXT[: ERR]`. */
export function warning(prog: string, text: string, err?: unknown): void {
  writeStderr(`${prog}: warning: ${text}${err === undefined ? '' : `: ${errorText(err)}`}`);
}

/** `PROG: usage: PROG ARGS`; returns exit code 100. */
export function usage(prog: string, text: string, code = EXIT_PERMANENT): number {
  writeStderr(`${prog}: usage: ${prog} ${text}`);
  return code;
}
