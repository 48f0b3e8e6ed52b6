// The program layer every fortress program runs through (ARCHITECTURE.md, "Exit codes and messages"): `--help`,
// usage errors (exit 100), FortressError as `PROG: fatal: TEXT: ERR`, and anything unexpected
// as one line, `PROG: fatal: internal error: MESSAGE`, exit 111, never a Node stack trace.
// It loads only errors.ts (and error-text.ts behind it): chain loaders and svc start with it.
import { EXIT_PERMANENT, EXIT_TEMPORARY, FortressError, fatalFor, usage, writeStderr } from './errors.js';

const { writeSync } = process.getBuiltinModule('node:fs');

export type Main = (argv: string[], env: NodeJS.ProcessEnv) => number | Promise<number>;

/** The code of a FortressError that means "bad command line": the program prints its usage. */
export const ERR_USAGE = 'ERR_USAGE';

/** A usage error to throw from a main; `detail` (e.g. `illegal option -- Z`) goes first, as getopt's line. */
export function usageError(detail?: string, exitCode = EXIT_PERMANENT): FortressError {
  return new FortressError(ERR_USAGE, detail ?? '', undefined, exitCode);
}

/** A fatal error to throw from a main: `PROG: fatal: TEXT[: ERR]`, exit 111 unless given. */
export function fatalError(text: string, cause?: unknown, exitCode = EXIT_TEMPORARY): FortressError {
  return new FortressError('ERR_FATAL', text, cause, exitCode);
}

// Tests set this global (through `node --import`, which no environment variable can do) to make
// a program fail unexpectedly: true at its start, 'later' from a timer once it runs
// (test/programs.test.ts).
const TEST_THROW = Symbol.for('fortress.test.throw');

/**
 * Wraps a program's main. `--help` as the only argument prints `usage: NAME USAGE` on stdout
 * and exits 0 (no original gives a lone `--help` a use: see each README). A thrown
 * FortressError is reported in djb's shape with its exit code; anything else is an internal
 * error: one line and 111.
 */
export function program(name: string, usageText: string, main: Main): Main {
  return async (argv, env) => {
    if (argv.length === 1 && argv[0] === '--help') return help(name, usageText);
    process.on('uncaughtException', (err) => {
      // A program with its own handler (tcpserver's handler modules) decides for itself.
      if (process.listenerCount('uncaughtException') > 1) return;
      process.exit(report(name, usageText, err));
    });
    try {
      const testThrow = (globalThis as Record<symbol, unknown>)[TEST_THROW];
      if (testThrow === true) throw new Error('deliberate failure (test)');
      if (testThrow === 'later') setTimeout(() => Promise.reject(new Error('deliberate failure (test, later)')), 50);
      return await main(argv, env);
    } catch (err) {
      return report(name, usageText, err);
    }
  };
}

/** What a program prints and returns for an error its main threw. */
export function report(name: string, usageText: string, err: unknown): number {
  if (!(err instanceof FortressError)) return internalError(name, err);
  if (err.code !== ERR_USAGE) return fatalFor(name, err);
  if (err.text !== '') writeStderr(`${name}: ${err.text}`);
  return usage(name, usageText, err.exitCode);
}

function internalError(name: string, err: unknown): number {
  const message = err instanceof Error ? err.message || err.name : String(err);
  writeStderr(`${name}: fatal: internal error: ${message.replace(/\s*\n\s*/g, ' ')}`);
  return EXIT_TEMPORARY;
}

function help(name: string, usageText: string): number {
  try {
    writeSync(1, `usage: ${name} ${usageText}\n`);
  } catch {
    // stdout closed: nobody to tell.
  }
  return 0;
}
