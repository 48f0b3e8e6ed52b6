// multilog's addon (native/logpipe.c, built by scripts/build-native.js): tee(2) and a signal pipe.
import { loadAddon, packageDir } from '@fortress/core/addon';
import { checkResult } from '@fortress/core/libc';

interface LogpipeAddon {
  tee(fdIn: number, fdOut: number, length: number): number;
  watchSignals(signals: number[]): number;
  listenAbstract(name: string): number;
  acceptConnection(fd: number): number;
  receive(fd: number, buf: Buffer): number[] | number;
}

let addon: LogpipeAddon | undefined;

function logpipe(): LogpipeAddon {
  if (addon) return addon;
  addon = loadAddon<LogpipeAddon>(packageDir(import.meta.url, 'multilog'), 'logpipe');
  return addon;
}

/** tee(2), non-blocking: copies up to `length` bytes from pipe `fdIn` to pipe `fdOut` without consuming them. */
export function tee(fdIn: number, fdOut: number, length: number): number {
  return checkResult('tee', logpipe().tee(fdIn, fdOut, length));
}

/** From now on each signal listed writes its number into a pipe; returns that pipe's read end (non-blocking). */
export function watchSignals(signals: number[]): number {
  return checkResult('sigaction', logpipe().watchSignals(signals));
}

/** A listening SOCK_SEQPACKET socket on the abstract AF_UNIX name `name` (non-blocking). */
export function listenAbstract(name: string): number {
  return checkResult('bind', logpipe().listenAbstract(name));
}

/** The next connection on listening socket `fd` (non-blocking), or undefined when none waits. */
export function acceptConnection(fd: number): number | undefined {
  const r = logpipe().acceptConnection(fd);
  if (r === -11) return undefined; // EAGAIN
  return checkResult('accept', r);
}

/** One packet from `fd` into `buf`: its length (0 at end) and the descriptors it carried; undefined when none waits. */
export function receive(fd: number, buf: Buffer): { length: number; fds: number[] } | undefined {
  const r = logpipe().receive(fd, buf);
  if (r === -11) return undefined; // EAGAIN
  if (typeof r === 'number') return { length: checkResult('recvmsg', r), fds: [] };
  const [length, ...fds] = r;
  return { length: length!, fds };
}
