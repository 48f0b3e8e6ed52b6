// What the scanner knows about one supervisor, whichever way it runs: a `supervise` child
// process, one hosted in this process, or one it found already running (adopted after a
// crash of a previous svscan; known only through its FIFOs).
import type { ChildProcess } from 'node:child_process';
import { type ControlResult, isSupervised, sendControl } from './control.js';
import { type StopResult, stopSupervisor } from './tree-stop.js';

export type Which = 'service' | 'log';

export interface StartRequest {
  /** The service's name in the scan directory. */
  name: string;
  which: Which;
  /** Absolute path of the scan directory. */
  scanDir: string;
  /** A path that reaches the service directory even after its name is gone. */
  serviceDir: string;
  /** Descriptors for the supervisor's stdin and stdout (the log FIFO ends, or 0 and 1). */
  stdin: number;
  stdout: number;
}

export type ExitListener = (code: number | null, signal: string | null) => void;

export interface Supervision {
  readonly kind: 'child' | 'hosted' | 'adopted';
  /** Pid of the supervise process, when there is one of our own. */
  readonly pid: number | undefined;
  alive(): boolean;
  /** Sends control letters (`x`) as svc would. */
  control(letters: string): ControlResult;
  /**
   * Stops the service for good and then the supervisor (like `dx`), within the grace time:
   * 'signalled' when the supervisor enforces that itself, 'sent' when only `dx` could be sent.
   */
  stop(): StopResult;
}

export interface SupervisorHost {
  /** Starts a supervisor; `onExit` runs once when it ends. Throws when it cannot start at all. */
  start(request: StartRequest, onExit: ExitListener): Supervision;
  /** Releases what the host holds (watchers, timers) at shutdown. */
  close?(): void;
}

/** The directory a supervisor works in: the service directory or its log/. */
export function supervisedDir(serviceDir: string, which: Which): string {
  return which === 'service' ? serviceDir : `${serviceDir}/log`;
}

/** A supervisor some other process runs; alive while it holds its ok FIFO. */
export function adopted(dir: string): Supervision {
  return {
    kind: 'adopted',
    pid: undefined,
    alive: () => isSupervised(dir),
    control: (letters) => sendControl(dir, letters),
    stop: () => stopSupervisor(dir, undefined),
  };
}

/**
 * A supervise child process: `onExit` runs once, on its exit or on a spawn failure (reported
 * as 111, as supervise's own start-up failures are).
 */
export function childSupervision(
  child: ChildProcess,
  request: StartRequest,
  onExit: ExitListener,
  /** The child is fortress's supervise (a spare): SIGTERM is its tree stop. */
  ours = false,
): Supervision {
  let ended = false;
  const end = (code: number | null, signal: string | null): void => {
    if (ended) return;
    ended = true;
    onExit(code, signal);
  };
  // A spare that died before it was handed its service will not emit 'exit' again.
  if (child.exitCode !== null || child.signalCode !== null) queueMicrotask(() => end(111, null));
  child.on('exit', (code, signal) => end(code, signal));
  child.on('error', () => end(111, null));
  const dir = supervisedDir(request.serviceDir, request.which);
  return {
    kind: 'child',
    pid: child.pid,
    alive: () => !ended,
    control: (letters) => sendControl(dir, letters),
    stop: () => {
      if (ended) return 'not-running';
      if (ours) return child.kill('SIGTERM') ? 'signalled' : 'failed';
      return stopSupervisor(dir, child.pid);
    },
  };
}
