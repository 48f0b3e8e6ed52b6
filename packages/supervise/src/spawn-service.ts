// Starts ./run or ./finish: executed directly (no PATH search, argv[0] `./run`), in DIR, in a
// session of its own (its pid is its process group), with the host's stdio and lock.run as fd 3.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface SpawnSettings {
  dir: string;
  /** Descriptors for the program's fds 0, 1, 2. */
  stdio: readonly [number, number, number];
  /** Descriptor the program inherits as fd 3 (supervise/lock.run). */
  runLockFd: number;
  env: NodeJS.ProcessEnv;
}

/**
 * Spawns `./NAME ARGS`. A missing or non-executable file is reported asynchronously through the
 * child's 'error' event (`pid` is then undefined); rarer failures are thrown, as Node does.
 */
export function spawnService(name: string, args: readonly string[], settings: SpawnSettings): ChildProcess {
  const { dir, stdio, runLockFd, env } = settings;
  return spawn(`./${name}`, args, {
    cwd: dir,
    env,
    detached: true,
    stdio: [stdio[0], stdio[1], stdio[2], runLockFd],
  });
}

/** runit's ./finish arguments: exit code (-1 when killed by a signal) and signal number (0 if none). */
export function finishArguments(code: number | null, signal: NodeJS.Signals | null): [string, string] {
  const signo = signal === null ? 0 : (constants.signals[signal] ?? 0);
  return [String(code ?? -1), String(signo)];
}
