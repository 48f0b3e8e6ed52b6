// A log host: many multilog loggers of one account side by side in one Node process (issue 19).
// Each logger is a `multilog-attach SCRIPT` run by a service's log/run: it connects to the host's
// abstract AF_UNIX socket, passes its descriptors 0, 1 and 2 (the log pipe first) and its cwd and
// script in one packet, then forwards its signals as one-byte packets. The host runs the script
// exactly as multilog does (runLogger) with its own directories, rotation, processor and pauses,
// and answers the logger's exit code; a logger whose client goes away is dropped at once and
// leaves its unread input in the pipe.
//
// Protocol (SOCK_SEQPACKET, each side checks that the other runs as its own account):
//   client: "multilog-attach 1\0" CWD "\0" ARG "\0" ... with SCM_RIGHTS [0, 1, 2]
//   host:   "S" (started)  ...  "E" CODE (one byte: the exit code), then closes
//   client: "T" (SIGTERM), "A" (SIGALRM), "K" (kill: stop now, write nothing more)
import { closeSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorText } from '@fortress/core/errors';
import { getsockopt } from '@fortress/core/libc';
import type { InputReader } from './input.js';
import { acceptConnection, listenAbstract, receive } from './logpipe.js';
import { type LoggerSignals, runLogger } from './multilog.js';
import { Poller, ReadyWaiter } from './ready-waiter.js';
import { parseScript, type Script } from './script.js';

export const PROTOCOL = 'multilog-attach 1';
const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
/** How long a host with no logger waits for a new one before it exits. */
const IDLE_MS = Number(process.env.FORTRESS_LOGHOST_IDLE_MS ?? 5000);

/** A host logger's signals: flags set by its client's messages; pauses are timers. */
class MessageSignals implements LoggerSignals {
  terminate = false;
  alarm = false;
  killed = false;
  private sleeper: (() => void) | undefined;
  private readonly killWatchers = new Set<() => void>();
  reader: InputReader | undefined;

  drain(): void {}

  sleep(ms: number): Promise<void> {
    if (this.terminate || this.killed) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(finish, ms);
      const self = this;
      function finish(): void {
        clearTimeout(timer);
        self.sleeper = undefined;
        done();
      }
      this.sleeper = finish;
    });
  }

  onKill(then: () => void): () => void {
    this.killWatchers.add(then);
    return () => this.killWatchers.delete(then);
  }

  /** A message from the client: T, A or K. */
  take(message: string): void {
    if (message === 'T') this.terminate = true;
    else if (message === 'A') this.alarm = true;
    else if (message === 'K') this.kill();
    else return;
    if (message !== 'A') this.sleeper?.();
    this.reader?.wake();
  }

  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.sleeper?.();
    for (const then of [...this.killWatchers]) then();
    this.reader?.wake();
  }
}

/** uid of the process at the other end of socket `fd`. */
function peerUid(fd: number): number {
  return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, 12).readUInt32LE(4);
}

/** The request packet: cwd and script, the script's paths made absolute (the host has one cwd for all). */
export function parseRequest(packet: Buffer): { cwd: string; script: Script } | undefined {
  const parts = packet.toString('utf8').split('\0');
  if (parts.at(-1) === '') parts.pop();
  if (parts[0] !== PROTOCOL || parts.length < 2) return undefined;
  const cwd = parts[1]!;
  if (!cwd.startsWith('/')) return undefined;
  const script = parseScript(parts.slice(2));
  for (const action of script.actions) {
    if (action.op === 'dir') action.settings.path = resolve(cwd, action.settings.path);
    else if (action.op === 'status') action.file = resolve(cwd, action.file);
  }
  return { cwd, script };
}

function send(fd: number, text: Buffer | string): void {
  try {
    writeSync(fd, typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  } catch {
    // The client is gone: nothing to tell.
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

export class LogHost {
  private readonly poller = new Poller();
  private readonly listenFd: number;
  private readonly uid = process.getuid?.() ?? 0;
  private loggers = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly packet = Buffer.alloc(64 * 1024);
  /** Resolves when the host has no logger left and has waited IDLE_MS for a new one. */
  readonly done: Promise<void>;
  private finish: () => void = () => {};
  private stopAccepting: () => void = () => {};

  /** Binds the socket; throws EADDRINUSE when another host answers on `name`. */
  constructor(name: string) {
    this.listenFd = listenAbstract(name);
    this.done = new Promise((r) => {
      this.finish = r;
    });
    this.armIdle();
    this.acceptLoop();
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.loggers > 0) return;
      // Nothing left watched: the poll thread ends, and with it the process.
      this.stopAccepting();
      closeQuietly(this.listenFd);
      this.poller.kick();
      this.finish();
    }, IDLE_MS);
  }

  private acceptLoop(): void {
    this.stopAccepting = this.poller.watch(this.listenFd, () => {
      for (;;) {
        let fd: number | undefined;
        try {
          fd = acceptConnection(this.listenFd);
        } catch {
          break; // EMFILE and the like: try again at the next readiness
        }
        if (fd === undefined) break;
        this.greet(fd);
      }
      this.acceptLoop();
    });
  }

  /** A new connection: its first packet is the request. */
  private greet(conn: number): void {
    let uid: number;
    try {
      uid = peerUid(conn);
    } catch {
      closeQuietly(conn);
      return;
    }
    // Only the host's own account may hand it a log (and a pipe to read).
    if (uid !== this.uid) {
      closeQuietly(conn);
      return;
    }
    this.loggers++;
    clearTimeout(this.idleTimer);
    this.poller.watch(conn, () => this.request(conn));
  }

  private request(conn: number): void {
    let got: { length: number; fds: number[] } | undefined;
    try {
      got = receive(conn, this.packet);
    } catch {
      got = { length: 0, fds: [] };
    }
    if (got === undefined) {
      this.poller.watch(conn, () => this.request(conn));
      return;
    }
    const request = got.length > 0 ? parseRequest(this.packet.subarray(0, got.length)) : undefined;
    if (!request || got.fds.length !== 3) {
      for (const fd of got.fds) closeQuietly(fd);
      this.end(conn, undefined);
      return;
    }
    void this.run(conn, request.script, got.fds as [number, number, number]);
  }

  private async run(conn: number, script: Script, [input, outFd, errFd]: [number, number, number]): Promise<void> {
    const signals = new MessageSignals();
    let stopListening = (): void => {};
    const listen = (): void => {
      stopListening = this.poller.watch(conn, () => {
        const r = (() => {
          try {
            return receive(conn, this.packet);
          } catch {
            return { length: 0, fds: [] };
          }
        })();
        if (r === undefined) return listen();
        for (const fd of r.fds) closeQuietly(fd);
        if (r.length === 0)
          signals.kill(); // the client is gone: stop at once, leave the input in the pipe
        else {
          for (const byte of this.packet.subarray(0, r.length)) signals.take(String.fromCharCode(byte));
          listen();
        }
      });
    };
    send(conn, 'S');
    listen();
    let code: number;
    try {
      code = await runLogger(script, {
        input,
        errFd,
        outFd,
        signals,
        signalFd: -1,
        shared: new ReadyWaiter(this.poller),
        release: true,
        onReader: (reader) => {
          signals.reader = reader;
        },
      });
    } catch (err) {
      // One logger's bug must not end the others.
      send(errFd, `multilog: fatal: internal error: ${errorText(err)}\n`);
      code = 111;
    }
    for (const fd of [input, outFd, errFd]) closeQuietly(fd);
    stopListening();
    this.end(conn, code);
  }

  private end(conn: number, code: number | undefined): void {
    if (code !== undefined) send(conn, Buffer.from([69, code & 255]));
    // Closing the descriptor also ends the poller's watch on it at its next round.
    closeQuietly(conn);
    this.loggers--;
    if (this.loggers === 0) this.armIdle();
  }
}
