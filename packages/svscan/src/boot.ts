// svscanboot's work: svscan on DIR with a clean environment and stdin from /dev/null, its
// stdout and stderr either inherited (the journal, under systemd) or fed to a logger
// (`multilog t LOGDIR`, or 0.76's `readproctitle service errors: ...`) through a FIFO
// svscanboot holds, so nothing is lost when the logger restarts.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkfifo } from '@fortress/core/libc';
import { closeQuietly } from './log-fifo.js';

export interface BootOptions {
  /** Scan directory. */
  dir: string;
  /** The logger svscan's output is fed to (argv, found in PATH); undefined to inherit svscanboot's stderr. */
  logger: string[] | undefined;
  /** Options passed on to svscan (-1, -j, ...). */
  svscanArgs: string[];
  /** PATH for svscan and everything below it. */
  path: string;
  /** Extra variables kept in svscan's environment (SVSCAN_SUPERVISE). */
  keep: NodeJS.ProcessEnv;
  /** Called with svscanboot's own warnings. */
  warn: (text: string) => void;
}

export const SVSCAN_JS = new URL('../bin/svscan.js', import.meta.url).pathname;
const MULTILOG_RESTART_MS = 1000;
const DRAIN_TIMEOUT_MS = 5000;

interface BootPipe {
  holder: number;
  readFd: number;
  writeFd: number;
}

/** A FIFO that exists only as open descriptors: made in a private temp dir, opened, unlinked. */
function openBootPipe(): BootPipe {
  const dir = mkdtempSync(join(tmpdir(), 'svscanboot-'));
  try {
    const path = join(dir, 'log');
    mkfifo(path, 0o600);
    const holder = openSync(path, constants.O_RDWR);
    const readFd = openSync(path, constants.O_RDONLY);
    const writeFd = openSync(path, constants.O_WRONLY);
    return { holder, readFd, writeFd };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code ?? 111));
    child.on('error', () => resolve(111));
  });
}

/** Runs svscan (and multilog) until svscan exits; resolves with svscan's exit code. */
export async function boot(options: BootOptions): Promise<number> {
  const env = { ...options.keep, PATH: options.path };
  const devNull = openSync('/dev/null', constants.O_RDONLY);
  const logger = options.logger;
  const pipe = logger === undefined ? undefined : openBootPipe();
  let multilog: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const startMultilog = (): void => {
    if (pipe === undefined || logger === undefined) return;
    const started = Date.now();
    const child = spawn(logger[0]!, logger.slice(1), { env, stdio: [pipe.readFd, 'ignore', 2] });
    multilog = child;
    void exitOf(child).then((code) => {
      if (multilog === child) multilog = undefined;
      if (stopping) return;
      options.warn(`${logger[0]} exited ${code}; starting it again`);
      restartTimer = setTimeout(startMultilog, Math.max(0, started + MULTILOG_RESTART_MS - Date.now()));
    });
  };
  startMultilog();
  const out = pipe?.writeFd ?? 2;
  const svscan = spawn(process.execPath, [SVSCAN_JS, ...options.svscanArgs, options.dir], {
    env,
    stdio: [devNull, out, out],
  });
  closeQuietly(devNull);
  const forward = (signal: NodeJS.Signals) => (): void => {
    svscan.kill(signal);
  };
  const handlers: [NodeJS.Signals, () => void][] = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((s) => [
    s,
    forward(s),
  ]);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const code = await exitOf(svscan);
  for (const [signal, handler] of handlers) process.off(signal, handler);
  stopping = true;
  clearTimeout(restartTimer);
  if (pipe !== undefined) {
    // Nobody writes any more: multilog reads what is left, sees end of file and exits.
    closeQuietly(pipe.writeFd);
    closeQuietly(pipe.holder);
    closeQuietly(pipe.readFd);
    const last = multilog;
    if (last !== undefined) {
      const timer = setTimeout(() => last.kill('SIGTERM'), DRAIN_TIMEOUT_MS);
      await exitOf(last);
      clearTimeout(timer);
    }
  }
  return code;
}
