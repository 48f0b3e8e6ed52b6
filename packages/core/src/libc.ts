// The libc calls Node lacks (ARCHITECTURE.md, "Native code"), through our own Node-API addon
// (native/libc.c, built by scripts/build-native.js): it loads in well under a millisecond and
// adds about 100 KiB, where an FFI library cost 22 ms of start-up and 2 MiB of private memory.
// Each call returns -errno on failure; the wrappers here turn that into a SystemError.
import { loadAddon, packageDir } from './addon.js';
import { SystemError } from './errors.js';

export { RLIMIT } from './rlimit.js';

interface Addon {
  flock(fd: number, operation: number): number;
  setsid(): number;
  setpgid(pid: number, pgid: number): number;
  getpgid(pid: number): number;
  mkfifo(path: string, mode: number): number;
  chroot(path: string): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  prctl(option: number, arg2: number): number;
  dup(fd: number): number;
  dup2(fd: number, fd2: number): number;
  pipe2(flags: number): [number, number] | number;
  setsockopt(fd: number, level: number, name: number, value: Buffer | null): number;
  getsockopt(fd: number, level: number, name: number, maxLength: number): Buffer | number;
  socket(domain: number, type: number, protocol: number): number;
  connect(fd: number, address: Buffer): number;
  getrlimit(resource: number): [bigint, bigint] | number;
  setrlimit(resource: number, soft: bigint, hard: bigint): number;
  resetSignal(signal: number): number;
  waitpid(pid: number, options: number): [number, number] | number;
  zombieChildren(ppid: number): number[] | number;
  poll(fds: Buffer, nfds: number, timeout: number): number;
  pollAsync(fds: Buffer, nfds: number, timeout: number, done: (result: number) => void): number;
  spawn(file: string, argv: string[], envp: string[], moves: number[], flags: number, cwd: string | null): number;
  spawnAsync(
    file: string,
    argv: string[],
    envp: string[],
    moves: number[],
    flags: number,
    cwd: string | null,
    done: (result: number) => void,
  ): number;
}

let addon: Addon | undefined;

function libc(): Addon {
  if (addon) return addon;
  addon = loadAddon<Addon>(packageDir(import.meta.url, 'core'), 'libc');
  return addon;
}

/** Loads the addon now: a host calls it at start, so no command or exit waits for the load. */
export function preloadLibc(): void {
  libc();
}

/** Turns a negative result (-errno) into a SystemError; returns other results. */
export function checkResult(syscall: string, result: number): number {
  if (result < 0) throw new SystemError(syscall, -result);
  return result;
}

function checkPair<T>(syscall: string, result: T | number): T {
  if (typeof result === 'number') throw new SystemError(syscall, -result);
  return result;
}

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

/** flock(2). Non-blocking with LOCK_NB: EWOULDBLOCK (code EAGAIN) when held elsewhere. */
export function flock(fd: number, operation: number): void {
  checkResult('flock', libc().flock(fd, operation));
}

/** setsid(2): a new session and process group led by this process. Returns the session id. */
export function setsid(): number {
  return checkResult('setsid', libc().setsid());
}

export function setpgid(pid: number, pgid: number): void {
  checkResult('setpgid', libc().setpgid(pid, pgid));
}

export function getpgid(pid: number): number {
  return checkResult('getpgid', libc().getpgid(pid));
}

/** mkfifo(3); the mode is filtered by the umask as usual. */
export function mkfifo(path: string, mode: number): void {
  checkResult('mkfifo', libc().mkfifo(path, mode));
}

export function chroot(path: string): void {
  checkResult('chroot', libc().chroot(path));
}

export function dup(fd: number): number {
  return checkResult('dup', libc().dup(fd));
}

export function dup2(fd: number, fd2: number): void {
  checkResult('dup2', libc().dup2(fd, fd2));
}

/** pipe2(2): [read end, write end]. */
export function pipe2(flags: number): [number, number] {
  return checkPair('pipe2', libc().pipe2(flags));
}

/** setsockopt(2) with raw option bytes; null sets an empty option. */
export function setsockopt(fd: number, level: number, name: number, value: Buffer | null): void {
  checkResult('setsockopt', libc().setsockopt(fd, level, name, value));
}

/** getsockopt(2): the option's bytes (at most maxLength). */
export function getsockopt(fd: number, level: number, name: number, maxLength = 64): Buffer {
  return checkPair('getsockopt', libc().getsockopt(fd, level, name, maxLength));
}

/** socket(2), for what Node's net cannot do (options set before connect). */
export function socket(domain: number, type: number, protocol: number): number {
  return checkResult('socket', libc().socket(domain, type, protocol));
}

/** connect(2) to a raw sockaddr. */
export function connect(fd: number, address: Buffer): void {
  checkResult('connect', libc().connect(fd, address));
}

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

export interface Rlimit {
  soft: bigint;
  hard: bigint;
}

export function getrlimit(resource: number): Rlimit {
  const [soft, hard] = checkPair('getrlimit', libc().getrlimit(resource));
  return { soft, hard };
}

export function setrlimit(resource: number, limit: Rlimit): void {
  checkResult('setrlimit', libc().setrlimit(resource, limit.soft, limit.hard));
}

/** Puts a signal back to SIG_DFL: Node ignores SIGPIPE and SIGXFSZ, and ignored signals survive exec. */
export function resetSignal(signal: number): void {
  checkResult('signal', libc().resetSignal(signal));
}

export const WNOHANG = 1;

/** waitpid(2): [pid, raw wait status]; pid 0 when WNOHANG finds no finished child. */
export function waitpid(pid: number, options: number): [number, number] {
  return checkPair('waitpid', libc().waitpid(pid, options));
}

/** The pids of the zombies whose parent is PPID (one pass over /proc, in the addon). */
export function zombieChildren(ppid: number): number[] {
  return checkPair('opendir', libc().zombieChildren(ppid));
}

export const POLLIN = 1;

/** poll(2) over a buffer of struct pollfd (8 bytes each: fd int32, events int16, revents int16). */
export function poll(fds: Buffer, nfds: number, timeout: number): number {
  return checkResult('poll', libc().poll(fds, nfds, timeout));
}

/** poll(2) on a libuv worker thread; resolves with the count of ready descriptors. */
export function pollAsync(fds: Buffer, nfds: number, timeout: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const queued = libc().pollAsync(fds, nfds, timeout, (result) => {
      if (result < 0) reject(new SystemError('poll', -result));
      else resolve(result);
    });
    if (queued < 0) reject(new SystemError('poll', -queued));
  });
}

export interface SpawnOptions {
  /** Descriptor moves done in the child before exec: [from, to] pairs, as if all at once. */
  moves?: Array<[number, number]>;
  /** The child leads a new session (and so a new process group). */
  newSession?: boolean;
  /** The child leads a new process group. */
  newProcessGroup?: boolean;
  /**
   * The child's working directory, entered before the moves (so it may be /proc/self/fd/N of a
   * descriptor they replace) and before FILE is looked up: `./run` is DIR/run.
   */
  cwd?: string;
}

function spawnFlags(options: SpawnOptions): number {
  return (options.newSession ? 1 : 0) | (options.newProcessGroup ? 2 : 0);
}

/**
 * posix_spawnp(3): FILE searched in PATH as execvp does (taken as it is when it has a slash),
 * every signal back to its default and none blocked in the child, descriptors moved, optionally
 * in another directory and a new session. Returns the pid; the caller reaps it (waitpid).
 */
export function spawn(file: string, argv: string[], envp: string[], options: SpawnOptions = {}): number {
  const moves = (options.moves ?? []).flat();
  return checkResult('posix_spawnp', libc().spawn(file, argv, envp, moves, spawnFlags(options), options.cwd ?? null));
}

/** spawn() on a libuv worker thread: the vfork wait for the child's exec is not the event loop's. */
export function spawnAsync(file: string, argv: string[], envp: string[], options: SpawnOptions = {}): Promise<number> {
  const moves = (options.moves ?? []).flat();
  return new Promise((resolve, reject) => {
    const queued = libc().spawnAsync(file, argv, envp, moves, spawnFlags(options), options.cwd ?? null, (result) => {
      if (result < 0) reject(new SystemError('posix_spawnp', -result));
      else resolve(result);
    });
    if (queued < 0) reject(new SystemError('posix_spawnp', -queued));
  });
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
  const flags = checkResult('fcntl', c.fcntl(fd, F_GETFL, 0));
  const next = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (next !== flags) checkResult('fcntl', c.fcntl(fd, F_SETFL, next));
}

/** Sets or clears FD_CLOEXEC: a descriptor without it survives execve. */
export function setCloseOnExec(fd: number, on: boolean): void {
  const c = libc();
  const flags = checkResult('fcntl', c.fcntl(fd, F_GETFD, 0));
  const next = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (next !== flags) checkResult('fcntl', c.fcntl(fd, F_SETFD, next));
}

const PR_SET_CHILD_SUBREAPER = 36;
const PR_SET_PDEATHSIG = 1;

/** Orphaned descendants are re-parented to this process instead of init. */
export function setChildSubreaper(on: boolean): void {
  checkResult('prctl', libc().prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0));
}

/** The signal this process gets when its parent dies (0 clears it). */
export function setParentDeathSignal(signal: number): void {
  checkResult('prctl', libc().prctl(PR_SET_PDEATHSIG, signal));
}

/** Loads the addon now (a long-running program does it at start, not while a service waits). */
export function loadLibc(): void {
  libc();
}
