// Readiness through a notification-fd, s6's convention exactly: when the service directory has
// a `notification-fd` file holding a number N (3..63), ./run gets the write end of a pipe as its
// descriptor N; a newline written there means "ready"; the pipe closed without one means the
// service will never say so (it stays up, not ready). Daemons that support s6 work unchanged.
import { pipe2 } from '@fortress/core/libc';

const { readFileSync } = process.getBuiltinModule('node:fs');
const net = process.getBuiltinModule('node:net');

export const NOTIFICATION_FD_FILE = 'notification-fd';
/** The highest notification-fd accepted (documented in the README; a larger one is a typo). */
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
    process.getBuiltinModule('node:fs').closeSync(this.writeFd);
  }

  close(): void {
    this.#done = true;
    this.afterSpawn();
    this.#socket?.destroy();
    this.#socket = undefined;
  }
}
