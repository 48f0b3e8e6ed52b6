// How ./run says it is ready. A readiness source is made for each start of ./run when the
// service directory asks for it; it gives ./run descriptors and environment, listens, and tells
// the supervisor through a ReadinessListener. The supervisor knows nothing of pipes, scripts or
// sockets: it turns the listener's calls into its state machine's inputs (ready, never-ready,
// kick). Sources: notification-fd (here), check (readiness-check.ts); NOTIFY_SOCKET plugs in
// beside them through READINESS_SOURCES.
//
// notification-fd, s6's convention exactly: when the service directory has a `notification-fd`
// file holding a number N (3..63), ./run gets the write end of a pipe as its descriptor N; a
// newline written there means "ready"; the pipe closed without one means the service will
// never say so (it stays up, not ready). Daemons that support s6 work unchanged.
import { errorText } from '@fortress/core/errors';
import { pipe2 } from '@fortress/core/libc';

const { closeSync, readFileSync } = process.getBuiltinModule('node:fs');
const net = process.getBuiltinModule('node:net');

/** What a readiness source tells the supervisor about one start of ./run. */
export interface ReadinessListener {
  /** ./run is ready (state `ready`, event `U`). Again after reloading(); otherwise later calls change nothing. */
  ready(): void;
  /** This source will never say ready (its pipe closed): the service stays `up`, not ready. */
  never(): void;
  /** A status text from the service (NOTIFY_SOCKET's STATUS=). */
  status(text: string): void;
  /** The service says it is stopping (STOPPING=1). */
  stopping(): void;
  /** The service says it is reloading (RELOADING=1); ready() again once it is done. */
  reloading(): void;
  /** The service missed its watchdog: the supervisor stops ./run and starts it again. */
  watchdogMissed(): void;
}

/** One start's readiness source. */
export interface ReadinessSource {
  /** [N, fd] pairs: fd becomes ./run's descriptor N (3..63). */
  readonly fds: readonly (readonly [number, number])[];
  /** Variables added to ./run's environment (`NOTIFY_SOCKET`). */
  readonly env: Readonly<Record<string, string>>;
  /** ./run was spawned as PID: close what ./run alone must hold, start listening or polling. */
  afterSpawn(pid: number): void;
  /** Stops listening (./run ended, or its spawn failed): no listener call after this. */
  close(): void;
}

/** What a source may need of the supervisor to make itself. */
export interface ReadinessContext {
  /** The service directory (every path relative to it). */
  dir: string;
  /** The directory as messages name it. */
  name: string;
  /** Descriptors for fds 0-2 of what a source runs (./check). */
  stdio: readonly [number, number, number];
  /** Environment of ./run (and of what a source runs). */
  env: NodeJS.ProcessEnv;
  /** A warning on supervise's diagnostics (a bad setting file). */
  warn(text: string): void;
}

/** Makes the source for one start when DIR asks for it, else undefined. Never throws: a problem is a warning. */
export type ReadinessSourceFactory = (
  context: ReadinessContext,
  listener: ReadinessListener,
) => ReadinessSource | undefined;

export const NOTIFICATION_FD_FILE = 'notification-fd';
/** The highest descriptor the spawn can place (native/spawn-service.c). */
export const MAX_NOTIFICATION_FD = 63;
const O_CLOEXEC = 0o2000000;

/**
 * N from DIR/notification-fd: undefined when there is no such file; an Error (its message the
 * reason) when it holds no number in 3..63.
 */
export function readNotificationFd(dir: string): number | undefined | Error {
  let text: string;
  try {
    text = readFileSync(`${dir}/${NOTIFICATION_FD_FILE}`, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return err as Error;
  }
  const value = text.trim();
  if (!/^\d{1,2}$/.test(value) || Number(value) < 3 || Number(value) > MAX_NOTIFICATION_FD) {
    return Object.assign(new Error('bad format'), { code: 'BADFORMAT' });
  }
  return Number(value);
}

/**
 * One start's readiness pipe. Give `writeFd` to ./run, then call `afterSpawn()` (the
 * supervisor's copy must go, or the end of the pipe never shows). `onReady` runs once, at the
 * first newline; `onNever` once, if the pipe closes before one. `close()` stops listening.
 */
export class ReadinessPipe {
  readonly writeFd: number;
  #writeOpen = true;
  #socket: import('node:net').Socket | undefined;
  #done = false;

  constructor(onReady: () => void, onNever: () => void) {
    const [readFd, writeFd] = pipe2(O_CLOEXEC);
    this.writeFd = writeFd;
    const socket = new net.Socket({ fd: readFd, readable: true, writable: false });
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      if (this.#done || !chunk.includes(0x0a)) return;
      this.#done = true;
      this.close();
      onReady();
    });
    const ended = (): void => {
      if (this.#done) return;
      this.#done = true;
      this.close();
      onNever();
    };
    socket.on('end', ended);
    socket.on('error', ended);
  }

  afterSpawn(): void {
    if (!this.#writeOpen) return;
    this.#writeOpen = false;
    closeSync(this.writeFd);
  }

  close(): void {
    this.#done = true;
    this.afterSpawn();
    this.#socket?.destroy();
    this.#socket = undefined;
  }
}

/** The notification-fd source: a ReadinessPipe whose write end ./run gets as descriptor N. */
export const notificationFdSource: ReadinessSourceFactory = (context, listener) => {
  const n = readNotificationFd(context.dir);
  if (n === undefined) return undefined;
  if (n instanceof Error) {
    const reason = (n as NodeJS.ErrnoException).code === 'BADFORMAT' ? 'bad format' : errorText(n);
    context.warn(`unable to read ${context.name}/${NOTIFICATION_FD_FILE}: ${reason}`);
    return undefined;
  }
  let pipe: ReadinessPipe;
  try {
    pipe = new ReadinessPipe(
      () => listener.ready(),
      () => listener.never(),
    );
  } catch (err) {
    context.warn(`unable to make ${context.name}'s readiness pipe: ${errorText(err)}`);
    return undefined;
  }
  return {
    fds: [[n, pipe.writeFd]],
    env: {},
    afterSpawn: () => pipe.afterSpawn(),
    close: () => pipe.close(),
  };
};
