// runit's `check`: when the service directory has an executable `check`, it is run after each
// start of ./run, every `check-interval` ms (default 250), until it exits 0: then the service is
// ready. Each run of ./check is bounded: one still running after its interval (or
// CHECK_MIN_LIMIT_MS, if longer) is killed with its process group. Polling stops when ./run ends.
import { errorText } from '@fortress/core/errors';
import { onChildExit } from './child-exits.js';
import { sendSignal } from './proc-info.js';
import type { ReadinessSourceFactory } from './readiness.js';
import { spawnService } from './spawn-service.js';

const { readFileSync, statSync } = process.getBuiltinModule('node:fs');

export const CHECK_FILE = 'check';
export const CHECK_INTERVAL_FILE = 'check-interval';
export const DEFAULT_CHECK_INTERVAL_MS = 250;
/** The shortest interval taken (a smaller number in check-interval means this). */
export const MIN_CHECK_INTERVAL_MS = 10;
/** A run of ./check is killed after its interval, but never before this: a loaded machine is slow. */
export const CHECK_MIN_LIMIT_MS = 1000;

/** The interval from DIR/check-interval (decimal ms), else the default; WARN for a bad file. */
export function readCheckInterval(dir: string, warn: (text: string) => void, name = dir): number {
  let text: string;
  try {
    text = readFileSync(`${dir}/${CHECK_INTERVAL_FILE}`, 'latin1').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      warn(`unable to read ${name}/${CHECK_INTERVAL_FILE}: ${errorText(err)}`);
    }
    return DEFAULT_CHECK_INTERVAL_MS;
  }
  if (!/^\d{1,9}$/.test(text)) {
    warn(`unable to read ${name}/${CHECK_INTERVAL_FILE}: bad format`);
    return DEFAULT_CHECK_INTERVAL_MS;
  }
  return Math.max(Number(text), MIN_CHECK_INTERVAL_MS);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export const checkSource: ReadinessSourceFactory = (context, listener) => {
  const { dir, name, stdio, env } = context;
  if (!isFile(`${dir}/${CHECK_FILE}`)) return undefined;
  const interval = readCheckInterval(dir, context.warn, name);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** Pid (and process group) of the ./check running now. */
  let running: number | undefined;
  const runCheck = (): void => {
    timer = undefined;
    if (closed) return;
    let pid: number;
    try {
      pid = spawnService(CHECK_FILE, [], { dir, stdio, env });
    } catch (err) {
      context.warn(`unable to start ${name}/${CHECK_FILE}: ${errorText(err)}`);
      closed = true;
      listener.never();
      return;
    }
    running = pid;
    const limit = setTimeout(() => sendSignal(-pid, 'SIGKILL'), Math.max(interval, CHECK_MIN_LIMIT_MS));
    onChildExit(pid, (code) => {
      clearTimeout(limit);
      running = undefined;
      if (closed) return;
      if (code === 0) {
        closed = true;
        listener.ready();
      } else timer = setTimeout(runCheck, interval);
    });
  };
  return {
    fds: [],
    env: {},
    afterSpawn: () => {
      timer = setTimeout(runCheck, 0);
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      if (running !== undefined) sendSignal(-running, 'SIGKILL');
    },
  };
};
