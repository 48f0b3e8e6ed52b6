// Chain loading: find the child as djb's pathexec_run does, then become it with process.execve.

import { flushCompileCache } from 'node:module';
import { argumentsError, execError } from './executable.js';
import { restoreInheritedDescriptors } from './inherited-fds.js';
import { fatal } from './report.js';
import { restoreStdioFlags } from './stdio-flags.js';

/** Thrown when the child cannot be run; `code` is the errno name execve would give. */
export class ExecError extends Error {
  readonly code: string;
  constructor(code: string) {
    super(`execve: ${code}`);
    this.code = code;
  }
}

/**
 * The file to execute for `name`: a name with a `/` as it is; otherwise the first `$PATH`
 * element (empty = `.`, unset PATH = `/bin:/usr/bin`) where it would run. As in pathexec_run,
 * ENOENT moves on silently, EACCES/EPERM/EISDIR are remembered and the search goes on, any other
 * error stops it. Throws ExecError with the error that would be reported.
 */
export function findProgram(name: string, path: string | undefined): string {
  if (name.includes('/')) {
    const code = execError(name);
    if (code !== undefined) throw new ExecError(code);
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
  throw new ExecError(saved ?? 'ENOENT');
}

const INHERITED_IGNORED = ['SIGPIPE', 'SIGXFSZ'] as const;

/**
 * Replaces this process with `args[0]` (same pid), searched in `searchPath`, with `env` as its
 * environment. `lastStep` runs after every check, just before execve (softlimit sets its limits
 * there, when this Node process no longer needs to allocate); it returns an exit code to stop.
 * Returns only on failure, having printed `PROG: fatal: unable to run CHILD: ERR`: the exit code
 * (111) to return from main.
 */
export async function chainTo(
  prog: string,
  args: readonly string[],
  env: Record<string, string>,
  searchPath: string | undefined,
  lastStep?: () => Promise<number | undefined> | number | undefined,
): Promise<number> {
  const child = args[0]!;
  const argv = [...args];
  let file: string;
  try {
    file = findProgram(child, searchPath);
    const tooBig = argumentsError(
      argv,
      Object.entries(env).map(([k, v]) => `${k}=${v}`),
    );
    if (tooBig !== undefined) throw new ExecError(tooBig);
  } catch (err) {
    return fatal(prog, `unable to run ${child}`, err);
  }
  await restoreInheritedDescriptors();
  await restoreStdioFlags();
  prepareForExec();
  const stop = await lastStep?.();
  if (stop !== undefined) return stop;
  try {
    process.execve!(file, argv, env);
  } catch (err) {
    // Node versions whose failed execve throws instead of aborting end up here.
    return fatal(prog, `unable to run ${child}`, err);
  }
  return fatal(prog, `unable to run ${child}`);
}

/**
 * Undoes what Node did to this process that execve would pass on: Node ignores SIGPIPE and
 * SIGXFSZ (ignored signals survive exec; a handler added and removed restores SIG_DFL), and
 * process.execve emits an ExperimentalWarning that must not reach the child's stderr.
 */
function prepareForExec(): void {
  // The compile cache the bin shims enable is written at exit, which never comes after execve.
  flushCompileCache?.();
  const noop = (): void => {};
  for (const signal of INHERITED_IGNORED) {
    process.on(signal, noop);
    process.off(signal, noop);
  }
  process.removeAllListeners('warning');
}
