// The processor protocol: `sh -c PROCESSOR` in the log directory with fd 0 = previous,
// fd 1 = processed, fd 4 = state, fd 5 = newstate; rerun after a pause until it exits 0.
// The processor is awaited, not run synchronously, so a host's other loggers run on meanwhile.
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';
import { finishFile, type Retention } from './finish.js';
import type { Pause } from './pause.js';

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;

interface Outcome {
  error?: Error;
  status: number | null;
  signal: NodeJS.Signals | null;
}

// Loaded on the first processor run only: node:child_process brings sockets and streams with it,
// about 2.6 MiB of private memory that a logger without a processor does not need.
function runProcessor(dir: string, processor: string, stdio: (number | 'ignore')[], pause: Pause): Promise<Outcome> {
  const { spawn } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', processor], { cwd: dir, stdio });
    // A killed logger stops waiting (a killed standalone multilog leaves its processor running too).
    const stop = pause.onKill(() => resolve({ status: null, signal: null }));
    child.on('error', (error) => {
      stop();
      resolve({ error, status: null, signal: null });
    });
    child.on('exit', (status, signal) => {
      stop();
      resolve({ status, signal });
    });
  });
}

function openFile(pause: Pause, path: string, flags: number): Promise<number> {
  return pause.persist(`unable to open ${path}`, () => openSync(path, flags, 0o644));
}

/** One run of the processor; true when it exited 0. Descriptors are opened afresh for each try. */
async function runOnce(
  pause: Pause,
  dir: string,
  processor: string,
): Promise<{ ok: boolean; processed: number; newstate: number }> {
  const previous = await openFile(pause, `${dir}/previous`, constants.O_RDONLY);
  const processed = await openFile(pause, `${dir}/processed`, CREATE);
  const state = await openFile(pause, `${dir}/state`, constants.O_RDONLY);
  const newstate = await openFile(pause, `${dir}/newstate`, CREATE);
  const result = await runProcessor(
    dir,
    processor,
    [previous, processed, pause.errFd, 'ignore', state, newstate],
    pause,
  );
  closeSync(previous);
  closeSync(state);
  let ok = false;
  try {
    pause.checkAlive();
    if (result.error) await pause.after(`unable to fork for processor in ${dir}`, result.error);
    else if (result.signal) await pause.after(`processor crashed in ${dir}`, `killed by ${result.signal}`);
    else if (result.status !== 0) await pause.after(`processor failed in ${dir}`);
    else ok = true;
  } finally {
    if (!ok) {
      closeSync(processed);
      closeSync(newstate);
    }
  }
  return { ok, processed, newstate };
}

/** Runs the processor on `dir/previous` and turns its output into the next `.s` file and `state`. */
export async function processPrevious(
  pause: Pause,
  dir: string,
  processor: string,
  retention: Retention,
): Promise<void> {
  let run = await runOnce(pause, dir, processor);
  while (!run.ok) run = await runOnce(pause, dir, processor);
  const { processed, newstate } = run;
  try {
    await pause.persist(`unable to write ${dir}/processed to disk`, () => fsyncSync(processed));
    await pause.persist(`unable to set mode of ${dir}/processed`, () => fchmodSync(processed, 0o744));
    await pause.persist(`unable to write ${dir}/newstate to disk`, () => fsyncSync(newstate));
  } finally {
    closeSync(processed);
    closeSync(newstate);
  }
  await pause.persist(`unable to remove ${dir}/previous`, () => {
    try {
      unlinkSync(`${dir}/previous`);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  });
  await pause.persist(`unable to rename newstate to state in directory ${dir}`, () =>
    renameSync(`${dir}/newstate`, `${dir}/state`),
  );
  await finishFile(pause, dir, 'processed', 's', retention);
}
