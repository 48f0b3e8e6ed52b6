// The few libc calls Node lacks (DESIGN.md decision 4), through koffi. Loaded on first use:
// koffi costs about 8 MB of RSS, so programs that never call these never pay for it.
import { createRequire } from 'node:module';
import { SystemError } from './errors.js';

export { RLIMIT } from './rlimit.js';

type Koffi = typeof import('koffi');
// biome-ignore lint/suspicious/noExplicitAny: koffi functions are untyped by nature
type CFunction = (...args: any[]) => any;

interface Bindings {
  koffi: Koffi;
  flock: CFunction;
  setsid: CFunction;
  getrlimit: CFunction;
  setrlimit: CFunction;
  mkfifo: CFunction;
  fcntl: CFunction;
  chroot: CFunction;
  prctl: CFunction;
  setpgid: CFunction;
  getpgid: CFunction;
}

let bindings: Bindings | undefined;

function libc(): Bindings {
  if (bindings) return bindings;
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const lib = koffi.load('libc.so.6');
  koffi.struct('fortress_rlimit', { rlim_cur: 'uint64', rlim_max: 'uint64' });
  bindings = {
    koffi,
    flock: lib.func('int flock(int fd, int operation)'),
    setsid: lib.func('int setsid()'),
    getrlimit: lib.func('int getrlimit(int resource, _Out_ fortress_rlimit *rlim)'),
    setrlimit: lib.func('int setrlimit(int resource, const fortress_rlimit *rlim)'),
    mkfifo: lib.func('int mkfifo(const char *path, uint32 mode)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, long arg)'),
    chroot: lib.func('int chroot(const char *path)'),
    prctl: lib.func(
      'int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)',
    ),
    setpgid: lib.func('int setpgid(int pid, int pgid)'),
    getpgid: lib.func('int getpgid(int pid)'),
  };
  return bindings;
}

/**
 * Declares another libc function in koffi's C-like syntax, for modules that need one this file
 * lacks (`libcFunction('int posix_spawn(...)')`). Use `checkResult` on its -1 results.
 */
export function libcFunction(declaration: string): CFunction {
  return libc().koffi.load('libc.so.6').func(declaration);
}

/** The koffi module itself, for struct and pointer types (loaded on first use). */
export function koffiModule(): Koffi {
  return libc().koffi;
}

/** Turns a -1 result into a SystemError carrying errno; returns other results. */
export function checkResult(syscall: string, result: number): number {
  return check(syscall, result);
}

/** Calls a libc function; a -1 result becomes a SystemError carrying errno. */
function check(syscall: string, result: number): number {
  if (result === -1) throw new SystemError(syscall, libc().koffi.errno());
  return result;
}

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

/** flock(2). Non-blocking with LOCK_NB: EWOULDBLOCK (code EAGAIN) when held elsewhere. */
export function flock(fd: number, operation: number): void {
  check('flock', libc().flock(fd, operation));
}

/** setsid(2): a new session and process group led by this process. Returns the session id. */
export function setsid(): number {
  return check('setsid', libc().setsid());
}

export function setpgid(pid: number, pgid: number): void {
  check('setpgid', libc().setpgid(pid, pgid));
}

export function getpgid(pid: number): number {
  return check('getpgid', libc().getpgid(pid));
}

/** mkfifo(3); the mode is filtered by the umask as usual. */
export function mkfifo(path: string, mode: number): void {
  check('mkfifo', libc().mkfifo(path, mode));
}

export function chroot(path: string): void {
  check('chroot', libc().chroot(path));
}

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

export interface Rlimit {
  soft: bigint;
  hard: bigint;
}

export function getrlimit(resource: number): Rlimit {
  const out: { rlim_cur: bigint | number; rlim_max: bigint | number } = { rlim_cur: 0n, rlim_max: 0n };
  check('getrlimit', libc().getrlimit(resource, out));
  return { soft: BigInt(out.rlim_cur), hard: BigInt(out.rlim_max) };
}

export function setrlimit(resource: number, limit: Rlimit): void {
  check('setrlimit', libc().setrlimit(resource, { rlim_cur: limit.soft, rlim_max: limit.hard }));
}

const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const FD_CLOEXEC = 1;
const O_NONBLOCK = 0o4000;

/** Sets or clears O_NONBLOCK on a descriptor. */
export function setNonBlocking(fd: number, on: boolean): void {
  const c = libc();
  const flags = check('fcntl', c.fcntl(fd, F_GETFL, 0));
  const next = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (next !== flags) check('fcntl', c.fcntl(fd, F_SETFL, next));
}

/** Sets or clears FD_CLOEXEC: a descriptor without it survives execve. */
export function setCloseOnExec(fd: number, on: boolean): void {
  const c = libc();
  const flags = check('fcntl', c.fcntl(fd, F_GETFD, 0));
  const next = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (next !== flags) check('fcntl', c.fcntl(fd, F_SETFD, next));
}

const PR_SET_CHILD_SUBREAPER = 36;
const PR_SET_PDEATHSIG = 1;

/** Orphaned descendants are re-parented to this process instead of init. */
export function setChildSubreaper(on: boolean): void {
  check('prctl', libc().prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0));
}

/** The signal this process gets when its parent dies (0 clears it). */
export function setParentDeathSignal(signal: number): void {
  check('prctl', libc().prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0));
}
