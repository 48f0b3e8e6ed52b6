// fghack's work (daemontools 0.76): run a program that puts itself in the background with many
// copies of a pipe's write end, and wait until it and every descendant that kept one are gone.

import { FortressError, isFortressError } from '@fortress/core/errors';
import { findProgram } from './exec.js';
import { inheritedDescriptors } from './inherited-fds.js';
import { loadLibc } from './load-libc.js';
import { fs } from './node-fs.js';

const O_CLOEXEC = 0o2000000;

/** 0.76's child holds the pipe's write end and 30 copies of it. */
export const PIPE_COPIES = 31;

/**
 * The descriptor numbers the copies get: the lowest ones the caller left free, which is where
 * the C fghack's pipe() and dup() put them (Node's own descriptors do not count: the child never
 * sees them).
 */
export function pipeSlots(inherited: readonly number[], count = PIPE_COPIES): number[] {
  const taken = new Set([0, 1, 2, ...inherited]);
  const slots: number[] = [];
  for (let fd = 0; slots.length < count; fd += 1) if (!taken.has(fd)) slots.push(fd);
  return slots;
}

/** How the child ended: its exit code, or crashed (killed by a signal). */
export type ChildEnd = { crashed: false; code: number } | { crashed: true };

/** The codes of fghack's failures, one per step, each with the original's text. */
export const ERR_PIPE = 'ERR_PIPE';
export const ERR_FORK = 'ERR_FORK';
export const ERR_RUN = 'ERR_RUN';
export const ERR_WAIT = 'ERR_WAIT';

/**
 * Starts `args` (searched in `path`) with the caller's descriptors and PIPE_COPIES copies of
 * a pipe's write end, reads the pipe until end of file (the child and every process that kept a
 * copy are gone), then reaps the child. Throws a FortressError whose code names the step that
 * failed and whose text is the original's: `unable to create pipe`, `unable to fork`, `unable to
 * run CHILD`, `wait failed`.
 */
export async function runInForeground(
  args: readonly string[],
  envp: string[],
  path: string | undefined,
): Promise<ChildEnd> {
  const libc = await loadLibc();
  let readEnd: number;
  let writeEnd: number;
  try {
    [readEnd, writeEnd] = libc.pipe2(O_CLOEXEC);
  } catch (err) {
    throw new FortressError(ERR_PIPE, 'unable to create pipe', err);
  }
  const inherited = inheritedDescriptors();
  const moves: [number, number][] = [0, 1, 2, ...inherited].map((fd) => [fd, fd]);
  for (const slot of pipeSlots(inherited)) moves.push([writeEnd, slot]);
  let pid: number;
  try {
    // Found as the other loaders find their child (pathexec_run), which is what Debian's does.
    const file = findProgram(args[0]!, path);
    try {
      pid = libc.spawn(file, [...args], envp, { moves });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EAGAIN' || code === 'ENOMEM') throw new FortressError(ERR_FORK, 'unable to fork', err);
      throw new FortressError(ERR_RUN, `unable to run ${args[0]}`, err);
    }
  } catch (err) {
    fs.closeSync(readEnd);
    fs.closeSync(writeEnd);
    const ours = isFortressError(err, ERR_FORK) || isFortressError(err, ERR_RUN);
    throw ours ? err : new FortressError(ERR_RUN, `unable to run ${args[0]}`, err);
  }
  fs.closeSync(writeEnd);
  const chunk = Buffer.alloc(4096);
  for (;;) {
    try {
      if (fs.readSync(readEnd, chunk, 0, chunk.length, null) === 0) break;
    } catch (err) {
      // As 0.76: only an interrupted read is tried again; any other error ends the wait.
      if ((err as { code?: string }).code !== 'EINTR') break;
    }
  }
  fs.closeSync(readEnd);
  let status: number;
  try {
    [, status] = libc.waitpid(pid, 0);
  } catch (err) {
    throw new FortressError(ERR_WAIT, 'wait failed', err);
  }
  return (status & 0x7f) !== 0 ? { crashed: true } : { crashed: false, code: (status >> 8) & 0xff };
}
