// The processor protocol: `sh -c PROCESSOR` in the log directory with fd 0 = previous,
// fd 1 = processed, fd 4 = state, fd 5 = newstate; rerun after a pause until it exits 0.
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';
import { finishFile, type Retention } from './finish.js';
import { pauseAfter, persist } from './pause.js';

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;

// Loaded on the first processor run only: node:child_process brings sockets and streams with it,
// about 2.6 MiB of private memory that a logger without a processor does not need.
function spawnSync(...args: Parameters<typeof import('node:child_process').spawnSync>) {
  return process.getBuiltinModule('node:child_process').spawnSync(...args);
}

function openFile(path: string, flags: number): number {
  return persist(`unable to open ${path}`, () => openSync(path, flags, 0o644));
}

/** One run of the processor; true when it exited 0. Descriptors are opened afresh for each try. */
function runOnce(dir: string, processor: string): { ok: boolean; processed: number; newstate: number } {
  const previous = openFile(`${dir}/previous`, constants.O_RDONLY);
  const processed = openFile(`${dir}/processed`, CREATE);
  const state = openFile(`${dir}/state`, constants.O_RDONLY);
  const newstate = openFile(`${dir}/newstate`, CREATE);
  const result = spawnSync('/bin/sh', ['-c', processor], {
    cwd: dir,
    stdio: [previous, processed, 2, 'ignore', state, newstate],
  });
  closeSync(previous);
  closeSync(state);
  let ok = false;
  if (result.error) pauseAfter(`unable to fork for processor in ${dir}`, result.error);
  else if (result.signal) pauseAfter(`processor crashed in ${dir}`, `killed by ${result.signal}`);
  else if (result.status !== 0) pauseAfter(`processor failed in ${dir}`);
  else ok = true;
  if (!ok) {
    closeSync(processed);
    closeSync(newstate);
  }
  return { ok, processed, newstate };
}

/** Runs the processor on `dir/previous` and turns its output into the next `.s` file and `state`. */
export function processPrevious(dir: string, processor: string, retention: Retention): void {
  let run = runOnce(dir, processor);
  while (!run.ok) run = runOnce(dir, processor);
  const { processed, newstate } = run;
  persist(`unable to write ${dir}/processed to disk`, () => fsyncSync(processed));
  persist(`unable to set mode of ${dir}/processed`, () => fchmodSync(processed, 0o744));
  persist(`unable to write ${dir}/newstate to disk`, () => fsyncSync(newstate));
  closeSync(processed);
  closeSync(newstate);
  persist(`unable to remove ${dir}/previous`, () => {
    try {
      unlinkSync(`${dir}/previous`);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  });
  persist(`unable to rename newstate to state in directory ${dir}`, () =>
    renameSync(`${dir}/newstate`, `${dir}/state`),
  );
  finishFile(dir, 'processed', 's', retention);
}
