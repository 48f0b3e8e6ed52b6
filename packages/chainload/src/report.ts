// Diagnostics, through core's errors module loaded only when there is something to report:
// importing it (and node:fs behind it as an ES module) would cost every successful start.
import type * as CoreErrors from '@fortress/core/errors';

export const EXIT_OK = 0;
export const EXIT_PERMANENT = 100;
export const EXIT_TEMPORARY = 111;

let core: typeof CoreErrors | undefined;

async function errors(): Promise<typeof CoreErrors> {
  core ??= await import('@fortress/core/errors');
  return core;
}

/**
 * `PROG: fatal: TEXT[: ERR]` on fd 2; returns the exit code (111 unless given). TEXT may be bytes
 * (a file name that is not UTF-8), written as they are, as the original does.
 */
export async function fatal(
  prog: string,
  text: string | Buffer,
  err?: unknown,
  code = EXIT_TEMPORARY,
): Promise<number> {
  return (await errors()).fatal(prog, text, err, code);
}

/** `PROG: usage: PROG TEXT` on fd 2; returns the exit code (100 unless given). */
export async function usage(prog: string, text: string, code = EXIT_PERMANENT): Promise<number> {
  return (await errors()).usage(prog, text, code);
}

/** A line on fd 2, written synchronously (stdio is never touched before exec). */
export async function writeStderr(line: string): Promise<void> {
  (await errors()).writeStderr(line);
}

/** The `code` of an error-like value (`ENOENT`), or undefined. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
