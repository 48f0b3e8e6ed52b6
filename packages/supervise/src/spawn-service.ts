// Starts ./run or ./finish: executed directly (no PATH search, argv[0] `./run`), in DIR, in a
// session of its own (its pid is its process group), with the host's stdio as fds 0-2, the
// descriptors its readiness sources give it (the notification-fd pipe), and no other descriptor
// (everything else is close-on-exec).
// One posix_spawn through native/spawn-service.c (vfork-like: no copy of Node's memory, unlike
// child_process, whose fork of the whole process costs about a millisecond per start).
import { loadAddon, packageDir } from '@fortress/core/addon';
import { SystemError } from '@fortress/core/errors';

const { constants } = process.getBuiltinModule('node:os');

export interface SpawnSettings {
  dir: string;
  /** Descriptors for the program's fds 0, 1, 2. */
  stdio: readonly [number, number, number];
  env: NodeJS.ProcessEnv;
  /** [N, fd] pairs: fd becomes the program's descriptor N (3..63; notification-fd). */
  extraFds?: readonly (readonly [number, number])[];
}

interface Addon {
  spawnService(dir: string, path: string, argv: string[], envp: string[], fds: number[]): number;
}

let addon: Addon | undefined;

/** Loads the addon now (hosts do it at start, not while a service waits). */
export function loadSpawnAddon(): Addon {
  addon ??= loadAddon<Addon>(packageDir(import.meta.url, 'supervise'), 'spawn-service');
  return addon;
}

/**
 * Spawns `./NAME ARGS` and returns its pid; the caller reaps it (child-exits.ts). Throws a
 * SystemError (ENOENT for a missing file, EACCES for a non-executable one, ...) when the
 * program could not be started.
 */
export function spawnService(name: string, args: readonly string[], settings: SpawnSettings): number {
  const { dir, stdio, env } = settings;
  const envp: string[] = [];
  for (const key in env) {
    const value = env[key];
    if (value !== undefined) envp.push(`${key}=${value}`);
  }
  const path = `./${name}`;
  const fds = [...stdio];
  for (const [target, fd] of settings.extraFds ?? []) {
    while (fds.length < target) fds.push(-1);
    fds[target] = fd;
  }
  const result = loadSpawnAddon().spawnService(dir, path, [path, ...args], envp, fds);
  if (result < 0) throw new SystemError('posix_spawn', -result);
  return result;
}

/** runit's ./finish arguments: exit code (-1 when killed by a signal) and signal number (0 if none). */
export function finishArguments(code: number | null, signal: NodeJS.Signals | null): [string, string] {
  const signo = signal === null ? 0 : (constants.signals[signal] ?? 0);
  return [String(code ?? -1), String(signo)];
}
