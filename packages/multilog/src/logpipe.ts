// multilog's addon (native/logpipe.c, built by scripts/build-native.js): tee(2) and a signal pipe.
import { loadAddon, packageDir } from '@fortress/core/addon';
import { checkResult } from '@fortress/core/libc';

interface LogpipeAddon {
  tee(fdIn: number, fdOut: number, length: number): number;
  watchSignals(signals: number[]): number;
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
