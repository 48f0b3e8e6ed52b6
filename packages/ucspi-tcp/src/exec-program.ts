// Replaces this process with PROGRAM (tcpclient), the way djb's pathexec does: PATH search
// done here (a failed execve aborts Node), signals Node ignores put back to default.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '@fortress/core/errors';
import { resetSignal } from '@fortress/core/libc';

/** The file PROGRAM names, searched in PATH when it has no slash. Throws ENOENT/EACCES. */
export function findProgram(name: string, path: string | undefined): string {
  const candidates = name.includes('/')
    ? [name]
    : (path ?? '/bin:/usr/bin').split(':').map((d) => join(d || '.', name));
  let firstError: unknown;
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) throw new SystemError('execve', 13);
      accessSync(file, constants.X_OK);
      return file;
    } catch (err) {
      if (firstError === undefined || (err as NodeJS.ErrnoException).code !== 'ENOENT') firstError ??= err;
    }
  }
  throw firstError ?? new SystemError('execve', 2);
}

const SIGPIPE = 13;
const SIGXFSZ = 25;

/** execve; never returns. fds without FD_CLOEXEC (dup2 targets) are passed on. */
export function execProgram(file: string, argv: string[], env: Record<string, string>): never {
  resetSignal(SIGPIPE);
  resetSignal(SIGXFSZ);
  process.emitWarning = () => {};
  process.execve?.(file, argv, env);
  throw new Error('process.execve is not available');
}
