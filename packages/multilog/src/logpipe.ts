// multilog's addon (native/logpipe.c, built by scripts/build-native.js): tee(2) and a signal pipe.
import { checkResult } from '@fortress/core/libc';

interface LogpipeAddon {
  tee(fdIn: number, fdOut: number, length: number): number;
  watchSignals(signals: number[]): number;
}

// Relative to this module's directory; scripts/bundle.js rewrites it for bundles in dist/bundle/.
const ADDON = '../build/logpipe.node';

let addon: LogpipeAddon | undefined;

function logpipe(): LogpipeAddon {
  if (addon) return addon;
  const module = { exports: {} as LogpipeAddon };
  try {
    process.dlopen(module, `${import.meta.dirname}/${ADDON}`);
  } catch (err) {
    throw new Error(`multilog's addon is not built (${(err as Error).message.split('\n')[0]}): run npm run build`);
  }
  addon = module.exports;
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
