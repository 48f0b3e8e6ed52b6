// Chain loading: find the child as djb's pathexec_run does, then become it (execve.ts).

import { FortressError } from '@fortress/core/errors';
import { argumentsError, execError } from './executable.js';
import { type ExecFailure, execve, type LimitChange } from './execve.js';
import { descriptorsToRestore } from './inherited-fds.js';
import { fatal } from './report.js';
import { restoreStdioFlags } from './stdio-flags.js';

/** The error to report when the child cannot be run: its `code` is the errno name execve would give. */
function cannotRun(code: string): FortressError {
  return new FortressError(code, 'execve');
}

/**
 * The file to execute for `name`: a name with a `/` as it is; otherwise the first `$PATH`
 * element (empty = `.`, unset PATH = `/bin:/usr/bin`) where it would run. As in pathexec_run,
 * ENOENT moves on silently, EACCES/EPERM/EISDIR are remembered and the search goes on, any other
 * error stops it. Throws a FortressError whose code is the errno name that would be reported.
 */
export function findProgram(name: string, path: string | undefined): string {
  if (name.includes('/')) {
    const code = execError(name);
    if (code !== undefined) throw cannotRun(code);
    return name;
  }
  let saved: string | undefined;
  for (const dir of (path ?? '/bin:/usr/bin').split(':')) {
    const file = `${dir === '' ? '.' : dir}/${name}`;
    const code = execError(file);
    if (code === undefined) return file;
    if (code === 'ENOENT') continue;
    saved = code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EISDIR') break;
  }
  throw cannotRun(saved ?? 'ENOENT');
}

/**
 * Replaces this process with `args[0]` (same pid), searched in `searchPath`, with `envp`
 * (`NAME=value` strings) as its environment. `limits` are set at the very last moment, in C
 * (softlimit's: a memory limit set earlier would stop this Node process itself). Returns only on
 * failure, having printed `PROG: fatal: unable to run CHILD: ERR` (or `setrlimit failed: ERR`):
 * the exit code (111) to return from main.
 */
export async function chainTo(
  prog: string,
  args: readonly string[],
  envp: readonly (string | Buffer)[],
  searchPath: string | undefined,
  limits: readonly LimitChange[] = [],
): Promise<number> {
  const child = args[0]!;
  let file: string;
  try {
    file = findProgram(child, searchPath);
    const tooBig = argumentsError(args, envp);
    if (tooBig !== undefined) throw cannotRun(tooBig);
  } catch (err) {
    return fatal(prog, `unable to run ${child}`, err);
  }
  await restoreStdioFlags();
  const failure = execve(file, args, envp, limits, descriptorsToRestore());
  const err = await systemError(failure);
  return failure.syscall === 'setrlimit'
    ? fatal(prog, 'setrlimit failed', err)
    : fatal(prog, `unable to run ${child}`, err);
}

async function systemError({ syscall, errno }: ExecFailure): Promise<Error> {
  const { SystemError } = await import('@fortress/core/errors');
  return new SystemError(syscall, errno);
}
