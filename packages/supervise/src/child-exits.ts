// Notices the exit of the children supervise started itself (./run, ./finish through
// spawn-service), without child_process: one SIGCHLD listener for the whole process, and on
// each SIGCHLD a waitpid(pid, WNOHANG) for each pid registered here, never waitpid(-1): the
// host (svscan's one-process mode) may own other children, reaped by their own code.
import { claimChild, releaseChild } from '@fortress/core/child-registry';
import { WNOHANG, waitpid } from '@fortress/core/libc';

const { constants } = process.getBuiltinModule('node:os');

export type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

const watched = new Map<number, ExitListener>();
let listening = false;
const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/**
 * Calls `listener` once child `pid` has exited, with its exit code or the signal that killed
 * it (both null when something else reaped it first). Call it before the child can be
 * reaped by anyone: right after spawning it, in the same tick (SIGCHLD handlers run later).
 */
export function onChildExit(pid: number, listener: ExitListener): void {
  listenForChildExits();
  watched.set(pid, listener);
  claimChild(pid);
  // It may have exited already, before the listener existed (a signal is not queued for it).
  queueMicrotask(reapWatched);
}

/** Installs the process's SIGCHLD listener now (hosts: at start, not on the way to a spawn). */
export function listenForChildExits(): void {
  // Installed once and kept: Node's signal handles do not keep the process alive.
  if (!listening) process.on('SIGCHLD', reapWatched);
  listening = true;
}

function reapWatched(): void {
  for (const [pid, listener] of watched) {
    let pidDone: number;
    let status = 0;
    try {
      [pidDone, status] = waitpid(pid, WNOHANG);
    } catch {
      // ECHILD: not ours any more (reaped elsewhere); it is gone all the same.
      pidDone = -1;
    }
    if (pidDone === 0) continue;
    watched.delete(pid);
    releaseChild(pid);
    if (pidDone < 0) listener(null, null);
    else if ((status & 0x7f) === 0) listener((status >> 8) & 0xff, null);
    else listener(null, signalNames.get(status & 0x7f) ?? null);
  }
}
