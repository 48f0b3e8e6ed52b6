// Chain loading: find the child as djb's pathexec_run does, then become it (execve.ts).

import { FortressError } from '@fortress/core/errors';
import { RLIMIT } from '@fortress/core/rlimit';
import { ourLoader, runLink } from './chain.js';
import { argumentsError, execError } from './executable.js';
import { type ExecFailure, execve, type LimitChange } from './execve.js';
import { descriptorsToRestore } from './inherited-fds.js';
import { loadLibc } from './load-libc.js';
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

// Limits a link run in-process (chain.ts) sets at once, as the exec chain would before the next
// link: they can change what a later link does (RLIMIT_NPROC makes a setuid to a busy account
// fail the exec) and Node runs fine under them. The others (memory, open files) would stop or
// starve this Node itself: they wait for the final exec, with this link's name to report them.
const SET_AT_ONCE = new Set<number>([RLIMIT.CPU, RLIMIT.FSIZE, RLIMIT.CORE, RLIMIT.NPROC]);
const pendingLimits: LimitChange[] = [];
let pendingProg: string | undefined;

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
  const entries = envp.map((e) => Buffer.from(e));
  const next = ourLoader(file, entries);
  if (next !== undefined) {
    const failed = await setLimitsNow(limits);
    if (failed !== undefined) return fatal(prog, 'setrlimit failed', failed);
    if (limits.some(([resource]) => !SET_AT_ONCE.has(resource))) pendingProg ??= prog;
    pendingLimits.push(...limits.filter(([resource]) => !SET_AT_ONCE.has(resource)));
    return runLink(next, args.slice(1), entries);
  }
  await restoreStdioFlags();
  const failure = execve(file, args, envp, [...pendingLimits, ...limits], descriptorsToRestore());
  const err = await systemError(failure);
  return failure.syscall === 'setrlimit'
    ? fatal(pendingProg ?? prog, 'setrlimit failed', err)
    : fatal(prog, `unable to run ${child}`, err);
}

// Sets the limits of SET_AT_ONCE among `limits`, in order; the error of the first that fails.
async function setLimitsNow(limits: readonly LimitChange[]): Promise<unknown> {
  const now = limits.filter(([resource]) => SET_AT_ONCE.has(resource));
  if (now.length === 0) return undefined;
  const { setrlimit } = await loadLibc();
  for (const [resource, limit] of now) {
    try {
      setrlimit(resource, limit);
    } catch (err) {
      return err;
    }
  }
  return undefined;
}

async function systemError({ syscall, errno }: ExecFailure): Promise<Error> {
  const { SystemError } = await import('@fortress/core/errors');
  return new SystemError(syscall, errno);
}
