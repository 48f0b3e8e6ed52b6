// Readiness through NOTIFY_SOCKET, for daemons written for systemd's Type=notify (sd_notify):
// when the service directory has a `notify` file, each start of ./run gets its own AF_UNIX
// datagram socket, named in NOTIFY_SOCKET (supervise/notify, or an abstract name when that path
// is too long for sun_path). A datagram counts only when its sender (SCM_CREDENTIALS) is ./run
// or a live descendant of it; it is lines of KEY=VALUE: READY=1, RELOADING=1, STOPPING=1,
// STATUS=text, WATCHDOG=1, WATCHDOG=trigger, WATCHDOG_USEC=N. Everything else is ignored.
// A `watchdog` file (milliseconds) turns on the watchdog: WATCHDOG_USEC is passed, and a ./run
// that sends no WATCHDOG=1 within that time gets SIGABRT (systemd's default WatchdogSignal),
// then SIGKILL if it is still there WATCHDOG_KILL_MS later; the restart policy does the rest.
import { loadAddon, packageDir } from '@fortress/core/addon';
import { errorText } from '@fortress/core/errors';
import { checkResult } from '@fortress/core/libc';
import { sendSignal } from './proc-info.js';
import type { ReadinessSourceFactory } from './readiness.js';

const { readFileSync, realpathSync, unlinkSync } = process.getBuiltinModule('node:fs');

export const NOTIFY_FILE = 'notify';
export const WATCHDOG_FILE = 'watchdog';
/** The socket's name inside supervise/. */
export const NOTIFY_SOCKET_NAME = 'notify';
/** The largest datagram read (systemd's limit too); a longer one is ignored whole. */
export const NOTIFY_DATAGRAM_MAX = 4096;
/** STATUS= text longer than this many characters is cut there (status.json stays small). */
export const STATUS_TEXT_MAX = 2048;
/** After a missed watchdog's SIGABRT, SIGKILL for a ./run still there this much later. */
export const WATCHDOG_KILL_MS = 5000;
/** sun_path holds 108 bytes, the terminating NUL of a file name included. */
const SUN_PATH_MAX = 107;
/** How far up the parent chain a sender is followed to find ./run. */
const MAX_ANCESTRY = 4096;

interface Addon {
  open(path: string): number;
  watch(fd: number, buffer: Buffer, callback: (length: number, pid: number) => void): object | number;
  close(handle: object): number;
  closeFd(fd: number): number;
}

let addon: Addon | undefined;

function loadNotifyAddon(): Addon {
  addon ??= loadAddon<Addon>(packageDir(import.meta.url, 'supervise'), 'notify');
  return addon;
}

export interface NotifySettings {
  /** Watchdog interval in ms, 0 for none. */
  watchdogMs: number;
  /** `notify` says `abstract`: an abstract socket name even when the path fits, for a ./run that
   * drops privileges and so cannot reach supervise/ (mode 0700). */
  abstract: boolean;
}

/**
 * DIR's NOTIFY_SOCKET settings: undefined without a `notify` file. A `watchdog` file that holds
 * no positive whole number of ms is reported through `warn` (the file's name, the reason:
 * `bad format`) and leaves the watchdog off.
 */
export function readNotifySettings(
  dir: string,
  warn: (file: string, reason: string) => void,
): NotifySettings | undefined {
  let abstract = false;
  try {
    abstract = readFileSync(`${dir}/${NOTIFY_FILE}`, 'latin1').trim() === 'abstract';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // There, but unreadable (a directory, no permission): still a wish for the socket.
  }
  let text: string | undefined;
  try {
    text = readFileSync(`${dir}/${WATCHDOG_FILE}`, 'latin1').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(WATCHDOG_FILE, errorText(err));
  }
  if (text === undefined) return { watchdogMs: 0, abstract };
  if (!/^\d{1,10}$/.test(text) || Number(text) === 0 || Number(text) > 0x7fffffff) {
    warn(WATCHDOG_FILE, 'bad format');
    return { watchdogMs: 0, abstract };
  }
  return { watchdogMs: Number(text), abstract };
}

let abstractCount = 0;

/** Where this start's socket goes: DIR/supervise/notify as an absolute path when it fits
 * sun_path, else a name in Linux's abstract namespace, unique to this host process. */
export function notifySocketPath(dir: string, abstract = false): string {
  let path: string | undefined;
  try {
    if (!abstract) path = `${realpathSync(dir)}/supervise/${NOTIFY_SOCKET_NAME}`;
  } catch {
    // unresolvable: the abstract name needs no path
  }
  if (path !== undefined && Buffer.byteLength(path) <= SUN_PATH_MAX && !path.includes('\n')) return path;
  const nonce = Math.floor(Math.random() * 0x100000000).toString(16);
  return `@fortress/supervise/${process.pid}/${++abstractCount}/${nonce}`;
}

/** One notification: the lines of a datagram as KEY=VALUE pairs, in order; lines that are not
 * UTF-8, hold a NUL, or have no KEY= are left out. */
export function parseNotification(bytes: Uint8Array): [string, string][] {
  const pairs: [string, string][] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = bytes.subarray(start, end);
    start = end + 1;
    if (line.length === 0 || line.includes(0)) continue;
    let text: string;
    try {
      text = decoder.decode(line);
    } catch {
      continue;
    }
    const eq = text.indexOf('=');
    if (eq <= 0 || !/^[A-Z_][A-Z0-9_]*$/.test(text.slice(0, eq))) continue;
    pairs.push([text.slice(0, eq), text.slice(eq + 1)]);
  }
  return pairs;
}

/** The parent of PID from /proc/PID/stat, or 0 when it is gone. */
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces and parentheses): state ppid ...
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : 0;
  } catch {
    return 0;
  }
}

/** True when PID is ROOT or a live descendant of it. */
export function inTreeOf(pid: number, root: number): boolean {
  if (pid <= 0 || root <= 0) return false;
  for (let p = pid, steps = 0; p > 1 && steps < MAX_ANCESTRY; steps++) {
    if (p === root) return true;
    p = parentOf(p);
  }
  return false;
}

/** TEXT cut to STATUS_TEXT_MAX characters, never between the two halves of a surrogate pair. */
function cutText(text: string): string {
  if (text.length <= STATUS_TEXT_MAX) return text;
  const high = text.charCodeAt(STATUS_TEXT_MAX - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? STATUS_TEXT_MAX - 1 : STATUS_TEXT_MAX);
}

export interface NotifyCallbacks {
  /** READY=1. */
  ready(): void;
  /** RELOADING=1: not ready until the next READY=1. */
  reloading(): void;
  /** STOPPING=1. */
  stopping(): void;
  /** STATUS=text (cut to STATUS_TEXT_MAX characters). */
  status(text: string): void;
  /** The watchdog ran out (or WATCHDOG=trigger): ./run has been sent SIGABRT. */
  watchdogMissed(ms: number, triggered: boolean): void;
}

/**
 * One start's notify socket. Spawn ./run with `env` added to its environment, then call
 * `afterSpawn(pid)` (the pid whose tree may speak; the watchdog starts). `close()` stops
 * listening, removes the socket file and stops the watchdog. Throws a SystemError when the
 * socket cannot be made.
 */
export class NotifySocket {
  readonly path: string;
  readonly #callbacks: NotifyCallbacks;
  readonly #buffer = Buffer.alloc(NOTIFY_DATAGRAM_MAX);
  #handle: object | undefined;
  #runPid = 0;
  #watchdogMs: number;
  #watchdog: NodeJS.Timeout | undefined;
  #kill: NodeJS.Timeout | undefined;
  #paused = false;

  constructor(callbacks: NotifyCallbacks, dir: string, settings: NotifySettings) {
    this.#callbacks = callbacks;
    this.#watchdogMs = settings.watchdogMs;
    this.path = notifySocketPath(dir, settings.abstract);
    const native = loadNotifyAddon();
    const fd = checkResult('socket', native.open(this.path));
    const handle = native.watch(fd, this.#buffer, (length, pid) => this.#received(length, pid));
    if (typeof handle === 'number') {
      native.closeFd(fd);
      this.#unlink();
      checkResult('uv_poll_init', handle);
    }
    this.#handle = handle as object;
  }

  /** What ./run's environment gets: NOTIFY_SOCKET, and WATCHDOG_USEC with a watchdog (never a
   * WATCHDOG_PID: ./run's pid is not known before the spawn, and sd_watchdog_enabled() does
   * without it). The host's own values of these are not passed on. */
  get env(): NodeJS.ProcessEnv {
    return {
      NOTIFY_SOCKET: this.path,
      WATCHDOG_USEC: this.#watchdogMs > 0 ? String(this.#watchdogMs * 1000) : undefined,
      WATCHDOG_PID: undefined,
    };
  }

  afterSpawn(pid: number): void {
    this.#runPid = pid;
    this.#armWatchdog();
  }

  /** `svc -p` / `svc -c`: a stopped process cannot ping, so the watchdog waits while paused. */
  pause(paused: boolean): void {
    if (paused === this.#paused) return; // `c` without a `p` before is no ping
    this.#paused = paused;
    if (paused) clearTimeout(this.#watchdog);
    else this.#armWatchdog();
  }

  close(): void {
    clearTimeout(this.#watchdog);
    clearTimeout(this.#kill);
    this.#watchdog = this.#kill = undefined;
    this.#runPid = 0;
    if (this.#handle === undefined) return;
    loadNotifyAddon().close(this.#handle);
    this.#handle = undefined;
    this.#unlink();
  }

  #unlink(): void {
    if (this.path.startsWith('@')) return;
    try {
      unlinkSync(this.path);
    } catch {
      // gone already (or supervise/ unwritable: the next start's bind replaces it)
    }
  }

  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#watchdogMs <= 0 || this.#runPid === 0 || this.#paused || this.#kill) return;
    this.#watchdog = setTimeout(() => this.#watchdogFired(false), this.#watchdogMs);
  }

  #watchdogFired(triggered: boolean): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    const pid = this.#runPid;
    if (pid === 0 || this.#kill) return;
    sendSignal(pid, 'SIGABRT');
    this.#kill = setTimeout(() => {
      if (this.#runPid === pid) sendSignal(pid, 'SIGKILL');
    }, WATCHDOG_KILL_MS);
    this.#callbacks.watchdogMissed(this.#watchdogMs, triggered);
  }

  #received(length: number, pid: number): void {
    // Too long (cut by the kernel), or not from ./run's tree: ignored whole.
    if (length < 0 || this.#runPid === 0 || !inTreeOf(pid, this.#runPid)) return;
    for (const [key, value] of parseNotification(this.#buffer.subarray(0, length))) {
      if (this.#handle === undefined) return; // a callback closed us
      this.#obey(key, value);
    }
  }

  #obey(key: string, value: string): void {
    const cb = this.#callbacks;
    switch (key) {
      case 'READY':
        if (value === '1') cb.ready();
        return;
      case 'RELOADING':
        if (value === '1') cb.reloading();
        return;
      case 'STOPPING':
        if (value === '1') cb.stopping();
        return;
      case 'STATUS':
        cb.status(cutText(value));
        return;
      case 'WATCHDOG':
        if (value === '1') this.#armWatchdog();
        else if (value === 'trigger') this.#watchdogFired(true);
        return;
      case 'WATCHDOG_USEC': {
        // The daemon may change its interval (systemd allows it); whole ms, at least 1.
        if (!/^\d{1,16}$/.test(value)) return;
        const ms = Math.ceil(Number(value) / 1000);
        if (ms <= 0 || ms > 0x7fffffff) return;
        this.#watchdogMs = ms;
        this.#armWatchdog();
        return;
      }
    }
  }
}

/** The NOTIFY_SOCKET source (readiness-sources.ts): a NotifySocket when DIR has a `notify` file. */
export const notifySocketSource: ReadinessSourceFactory = (context, listener) => {
  const settings = readNotifySettings(context.dir, (file, reason) =>
    context.warn(`unable to read ${context.name}/${file}: ${reason}`),
  );
  if (!settings) return undefined;
  let socket: NotifySocket;
  try {
    socket = new NotifySocket(
      {
        ready: () => listener.ready(),
        reloading: () => listener.reloading(),
        stopping: () => listener.stopping(),
        status: (text) => listener.status(text),
        // The socket has sent SIGABRT itself (systemd's WatchdogSignal); the restart policy does the rest.
        watchdogMissed: (ms, triggered) =>
          context.warn(
            `${context.name}/run ${triggered ? 'triggered its watchdog' : `sent no WATCHDOG=1 within ${ms} ms`}: sent SIGABRT`,
          ),
      },
      context.dir,
      settings,
    );
  } catch (err) {
    context.warn(`unable to make ${context.name}'s notify socket: ${errorText(err)}`);
    return undefined;
  }
  return {
    fds: [],
    env: socket.env,
    afterSpawn: (pid) => socket.afterSpawn(pid),
    close: () => socket.close(),
    pause: (paused) => socket.pause(paused),
  };
};
