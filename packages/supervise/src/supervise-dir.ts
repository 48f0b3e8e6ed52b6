// The body of the `supervise DIR` program, shared with svscan's pre-started spare processes.
// The directory is reached through a descriptor (/proc/self/fd/N), so renaming the scan
// directory's entry does not lose the service; messages still quote DIR as given.
import { EXIT_OK, EXIT_TEMPORARY, errorText, FortressError, writeStderr } from '@fortress/core/errors';
import { killGraceFrom } from './escalation.js';
import { settleMemory } from './settle-memory.js';
import { Supervisor } from './supervisor.js';

const { constants, openSync } = process.getBuiltinModule('node:fs');

/** When the memory-reducing collection runs after start-up. */
const SETTLE_AFTER_MS = 100;
/** Then at most this often, and only when ./run was started since the last one. */
const SETTLE_EVERY_MS = 60_000;

export interface SuperviseDirOptions {
  /** The directory as `supervise DIR` was given it, relative to the current directory. */
  dir: string;
  /** Descriptors ./run gets as fds 0, 1, 2. */
  stdio: readonly [number, number, number];
  env?: NodeJS.ProcessEnv;
}

/** Supervises DIR until `x` (or SIGTERM/SIGINT, which act like `svc -dx`); returns the exit code. */
export async function superviseDir(options: SuperviseDirOptions): Promise<number> {
  const { dir: name } = options;
  let dirFd: number;
  try {
    dirFd = openDirectoryAbove3(name);
  } catch (err) {
    writeStderr(`supervise: fatal: unable to chdir to ${name}: ${errorText(err)}`);
    return EXIT_TEMPORARY;
  }
  const supervisor = new Supervisor({
    dir: `/proc/self/fd/${dirFd}`,
    name,
    stdio: options.stdio,
    killGraceMs: killGraceFrom(options.env ?? process.env),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  // Listening before the start: once ./run's pid is in the status file, a SIGTERM must find
  // the handler (start() runs to its end before any signal callback can).
  const stop = (): void => void supervisor.shutdown();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const stopListening = (): void => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  };
  try {
    await supervisor.start();
  } catch (err) {
    stopListening();
    writeStderr(`supervise: fatal: ${err instanceof FortressError ? err.message : String(err)}`);
    return EXIT_TEMPORARY;
  }
  // After ./run's first start, off its path: the start-up garbage is all there is to collect.
  // Each start leaves a little more (V8 keeps the pages it grew into): a service that restarts
  // often would creep up by about 2.5 MiB, so collect again after starts, once a minute at most.
  setTimeout(settleMemory, SETTLE_AFTER_MS).unref();
  let startedSinceSettle = false;
  supervisor.on('start', () => {
    startedSinceSettle = true;
  });
  const settler = setInterval(() => {
    if (!startedSinceSettle) return;
    startedSinceSettle = false;
    settleMemory();
  }, SETTLE_EVERY_MS).unref();
  await supervisor.exited;
  clearInterval(settler);
  stopListening();
  return EXIT_OK;
}

// The child changes into its working directory before its descriptors 0..2 are arranged, but
// keep the directory's descriptor clear of them and of 3 all the same.
function openDirectoryAbove3(dir: string): number {
  const low: number[] = [];
  let fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  while (fd <= 3) {
    low.push(fd);
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  }
  // The low ones stay open (close-on-exec, harmless) so the numbers are not reused meanwhile.
  return fd;
}
