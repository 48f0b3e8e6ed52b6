// The per-service state machine of supervise, as a class a host process can instantiate many
// times: no signal handlers, no chdir, no process.exit, no use of process.stdout/stderr.
// Every path is relative to `dir`; ./run's stdio comes from `stdio`; diagnostics go to `log`.
import type { Socket } from 'node:net';
import { errorText, writeStderr } from '@fortress/core/errors';
import type { ExtraStatus, LastExit } from '@fortress/core/extra-status';
import { readExtraStatus } from '@fortress/core/extra-status';
import type { Want } from '@fortress/core/status-record';
import { type WallTime, wallTime } from '@fortress/core/tai64n';
import { listenForChildExits, onChildExit } from './child-exits.js';
import { controlAction } from './control-bytes.js';
import { killEverything, readTimeoutFile, remnantsAlive } from './escalation.js';
import { tryLockExclusive } from './libc-ops.js';
import { descendantsOf, type ProcessIdentity, processGroupOf, sendSignal } from './proc-info.js';
import { closeQuietly, openServiceFiles, type ServiceFiles } from './service-files.js';
import { finishArguments, loadSpawnAddon, type SpawnSettings, spawnService } from './spawn-service.js';
import { readStatusRecord, writeStatusFiles } from './status-files.js';

// Builtins through getBuiltinModule: an ES import of node:fs builds fs's whole namespace
// (fs/promises, streams, readline), about 0.7 MiB of private memory per supervise process.
const { EventEmitter } = process.getBuiltinModule('node:events');
const { statSync } = process.getBuiltinModule('node:fs');
const net = process.getBuiltinModule('node:net');

export type LogLevel = 'warning' | 'fatal';

export interface SupervisorOptions {
  /** The service directory, as given (messages quote it as is, unless `name` is given). */
  dir: string;
  /** How messages name the directory when `dir` is another path to it (`/proc/self/fd/N`). */
  name?: string;
  /** Descriptors ./run and ./finish get as fds 0, 1, 2. Default [0, 1, 2]. */
  stdio?: readonly [number, number, number];
  /** Environment of ./run. Default: the host's environment at each start. */
  env?: NodeJS.ProcessEnv;
  /** Diagnostics (`unable to start DIR/run: file does not exist`). Default: `supervise: LEVEL: TEXT` on fd 2. */
  log?: (level: LogLevel, text: string) => void;
  /** Recorded in status.json as `supervisor`. Default: this process's pid. */
  supervisorPid?: number;
}

/** A snapshot of the state machine, for hosts. */
export interface SupervisorState {
  pid: number;
  pgid: number;
  want: Want;
  paused: boolean;
  normallyDown: boolean;
  /** ./run was started by an earlier supervise that died; we watch it through lock.run. */
  adopted: boolean;
  finishing: boolean;
  exitRequested: boolean;
  starts: number;
  lastStart: number | null;
  lastExit: LastExit | null;
}

interface RunningService {
  pid: number;
  pgid: number;
  adopted: boolean;
}

/** At least this long between two starts of ./run. */
export const START_INTERVAL_MS = 1000;
/** How often an adopted ./run's lock is polled. */
export const ADOPT_POLL_MS = 200;
/** Default time limit of ./finish (s6's default too), overridden by a `timeout-finish` file. */
export const FINISH_TIMEOUT_MS = 5000;

/**
 * Events: 'start' (pid), 'exit' (code, signal), 'status' (SupervisorState) after every status
 * write, 'exited' once everything is closed.
 */
export class Supervisor extends EventEmitter {
  readonly dir: string;
  /** The directory as messages name it. */
  readonly name: string;
  /** Resolves once an `x` has been obeyed: the service is down and every file is closed. */
  readonly exited: Promise<void>;
  readonly #stdio: readonly [number, number, number];
  readonly #env: NodeJS.ProcessEnv | undefined;
  readonly #log: (level: LogLevel, text: string) => void;
  readonly #supervisorPid: number;
  #resolveExited!: () => void;
  #files: ServiceFiles | undefined;
  #control: Socket | undefined;
  #want: Want = 'up';
  #paused = false;
  #exitRequested = false;
  #closed = false;
  #current: RunningService | undefined;
  /** Pid of ./finish while it runs. */
  #finishing: number | undefined;
  #lastStartMono = Number.NEGATIVE_INFINITY;
  #startTimer: NodeJS.Timeout | undefined;
  #adoptTimer: NodeJS.Timeout | undefined;
  #escalations = new Map<number, { timer: NodeJS.Timeout; seen: ProcessIdentity[] }>();
  #since: WallTime = wallTime();
  #starts = 0;
  #lastStart: number | null = null;
  #lastExit: LastExit | null = null;

  constructor(options: SupervisorOptions) {
    super();
    if (typeof options.dir !== 'string' || options.dir === '') {
      throw new TypeError(`Supervisor: option dir must be a non-empty string, got ${String(options.dir)}`);
    }
    this.dir = options.dir;
    this.name = options.name ?? options.dir;
    this.#stdio = options.stdio ?? [0, 1, 2];
    this.#env = options.env;
    this.#log = options.log ?? ((level, text) => writeStderr(`supervise: ${level}: ${text}`));
    this.#supervisorPid = options.supervisorPid ?? process.pid;
    this.exited = new Promise((resolve) => {
      this.#resolveExited = resolve;
    });
  }

  /**
   * Creates and locks DIR/supervise/, writes the status and starts ./run unless `down` exists.
   * Rejects with a FortressError, ERR_SETUP (`unable to acquire DIR/supervise/lock: temporary failure`, ...).
   */
  async start(): Promise<void> {
    if (this.#files || this.#closed) throw new Error('Supervisor: start() called twice or after shutdown()');
    const files = openServiceFiles(this.dir, this.name);
    this.#files = files;
    // Loaded now rather than on the way from a command or an exit to the next ./run.
    loadSpawnAddon();
    listenForChildExits();
    this.#want = files.normallyDown ? 'down' : 'up';
    if (!files.runLockHeld) this.#adopt();
    this.#writeStatus();
    const control = new net.Socket({ fd: files.controlReadFd, readable: true, writable: false });
    control.on('data', (chunk: Buffer) => {
      for (const byte of chunk) this.command(byte);
    });
    control.on('error', (err) =>
      this.#log('warning', `unable to read ${this.name}/supervise/control: ${errorText(err)}`),
    );
    this.#control = control;
    if (!this.#current) this.#startRun();
  }

  /** Obeys one control byte (or each byte of a string), exactly as if it came through the FIFO. */
  command(input: number | string): void {
    if (typeof input === 'string') {
      for (const byte of Buffer.from(input, 'latin1')) this.command(byte);
      return;
    }
    if (this.#closed || !this.#files) return;
    const action = controlAction(input);
    if (!action) return;
    switch (action.kind) {
      // A start writes the status itself, after the spawn: one write, off the way to ./run.
      case 'up':
        this.#want = 'up';
        if (!this.#startRun()) this.#writeStatus();
        return;
      case 'once':
        this.#want = 'none';
        if (!this.#startRun()) this.#writeStatus();
        return;
      case 'down':
        this.#want = 'down';
        this.#clearStartTimer();
        if (this.#current) {
          this.#armEscalation(this.#current);
          this.#signal('SIGTERM');
          this.#signal('SIGCONT');
          this.#paused = false;
        }
        this.#writeStatus();
        return;
      case 'pause':
        this.#paused = true;
        this.#signal('SIGSTOP');
        this.#writeStatus();
        return;
      case 'continue':
        this.#paused = false;
        this.#signal('SIGCONT');
        this.#writeStatus();
        return;
      case 'exit':
        this.#exitRequested = true;
        this.#writeStatus();
        if (!this.#current && this.#finishing === undefined) this.#finalize();
        return;
      case 'signal':
        this.#signal(action.signal);
        return;
    }
  }

  /**
   * Like `svc -dx`: stops the service, then closes everything; resolves with `exited`. On a
   * Supervisor that was never started (or whose start() failed) it resolves at once.
   */
  shutdown(): Promise<void> {
    if (!this.#files && !this.#closed) {
      this.#closed = true;
      this.#resolveExited();
      return this.exited;
    }
    this.command(0x64);
    this.command(0x78);
    return this.exited;
  }

  get state(): SupervisorState {
    const cur = this.#current;
    return {
      pid: cur?.pid ?? 0,
      pgid: cur?.pgid ?? 0,
      want: this.#want,
      paused: this.#paused && (cur?.pid ?? 0) !== 0,
      normallyDown: this.#files?.normallyDown ?? false,
      adopted: cur?.adopted ?? false,
      finishing: this.#finishing !== undefined,
      exitRequested: this.#exitRequested,
      starts: this.#starts,
      lastStart: this.#lastStart,
      lastExit: this.#lastExit,
    };
  }

  #spawnSettings(): SpawnSettings {
    const files = this.#files!;
    return { dir: this.dir, stdio: this.#stdio, runLockFd: files.runLockFd, env: this.#env ?? process.env };
  }

  // Starts ./run if wanted and nothing runs, at most once per START_INTERVAL_MS. True when it
  // tried (started ./run or failed to), and so has written the status.
  #startRun(): boolean {
    if (this.#closed || this.#current || this.#finishing !== undefined || this.#want === 'down') return false;
    const wait = this.#lastStartMono + START_INTERVAL_MS - performance.now();
    if (wait > 0) {
      this.#startTimer ??= setTimeout(() => {
        this.#startTimer = undefined;
        this.#startRun();
      }, wait);
      return false;
    }
    this.#clearStartTimer();
    this.#lastStartMono = performance.now();
    let pid: number;
    try {
      pid = spawnService('run', [], this.#spawnSettings());
    } catch (err) {
      this.#startFailed(err);
      return true;
    }
    onChildExit(pid, (code, signal) => this.#serviceGone(code, signal));
    this.#current = { pid, pgid: pid, adopted: false };
    this.#starts++;
    this.#lastStart = Date.now();
    this.#since = wallTime();
    this.#paused = false;
    this.#writeStatus();
    this.emit('start', pid);
    return true;
  }

  #startFailed(err: unknown): void {
    this.#log('fatal', `unable to start ${this.name}/run: ${errorText(err)}`);
    this.#writeStatus();
    this.#afterDown();
  }

  #serviceGone(code: number | null, signal: NodeJS.Signals | null): void {
    const ended = this.#current;
    this.#current = undefined;
    this.#since = wallTime();
    this.#paused = false;
    this.#lastExit = { code, signal, at: Date.now() };
    if (ended) {
      const pending = this.#escalations.get(ended.pgid);
      if (pending && !remnantsAlive(ended.pgid, pending.seen)) {
        clearTimeout(pending.timer);
        this.#escalations.delete(ended.pgid);
      }
    }
    this.emit('exit', code, signal);
    if (!this.#closed && this.#finishExists()) {
      this.#writeStatus();
      this.#runFinish(code, signal);
    } else if (this.#restartsAtOnce()) {
      // Respawn first, write the status after (it then records both the exit and the new
      // start): the status files are not on the path from exit to the next ./run.
      this.#startRun();
    } else {
      this.#writeStatus();
      this.#afterDown();
    }
  }

  #restartsAtOnce(): boolean {
    return (
      !this.#closed &&
      !this.#exitRequested &&
      this.#want === 'up' &&
      performance.now() - this.#lastStartMono >= START_INTERVAL_MS
    );
  }

  #finishExists(): boolean {
    try {
      return statSync(`${this.dir}/finish`).isFile();
    } catch {
      return false;
    }
  }

  // ./finish CODE SIGNAL, killed with its process group after `timeout-finish` ms (default 5000).
  #runFinish(code: number | null, signal: NodeJS.Signals | null): void {
    let pgid: number;
    try {
      pgid = spawnService('finish', finishArguments(code, signal), this.#spawnSettings());
    } catch (err) {
      this.#log('warning', `unable to start ${this.name}/finish: ${errorText(err)}`);
      this.#afterDown();
      return;
    }
    this.#finishing = pgid;
    const limit = readTimeoutFile(this.dir, 'timeout-finish', FINISH_TIMEOUT_MS);
    const timer = limit > 0 ? setTimeout(() => sendSignal(-pgid, 'SIGKILL'), limit) : undefined;
    onChildExit(pgid, () => {
      clearTimeout(timer);
      this.#finishing = undefined;
      this.#writeStatus();
      this.#afterDown();
    });
  }

  #afterDown(): void {
    if (this.#exitRequested) this.#finalize();
    else if (this.#want === 'up') this.#startRun();
  }

  // Signals ./run (its pid only, as 0.76 does). An adopted pid is checked against its recorded
  // process group first, so a recycled pid is never signalled.
  #signal(signal: NodeJS.Signals): void {
    const cur = this.#current;
    if (!cur || cur.pid === 0) return;
    if (cur.adopted && processGroupOf(cur.pid) !== cur.pgid) return;
    sendSignal(cur.pid, signal);
  }

  #armEscalation(cur: RunningService): void {
    const ms = readTimeoutFile(this.dir, 'timeout-kill', 0);
    if (ms <= 0 || cur.pgid <= 0 || this.#escalations.has(cur.pgid)) return;
    // Descendants now, while ./run still links them: once it exits they are orphans.
    const seen = cur.pid > 0 ? descendantsOf(cur.pid) : [];
    const timer = setTimeout(async () => {
      const pidAlive = this.#current === cur && (!cur.adopted || processGroupOf(cur.pid) === cur.pgid);
      try {
        await killEverything(cur.pid, cur.pgid, pidAlive, seen);
      } catch (err) {
        this.#log('warning', `unable to kill ${this.name}/run: ${errorText(err)}`);
      }
      this.#escalations.delete(cur.pgid);
      if (this.#exitRequested && !this.#current && this.#finishing === undefined) this.#finalize();
    }, ms);
    this.#escalations.set(cur.pgid, { timer, seen });
  }

  // An earlier supervise was killed while its ./run lived: ./run still holds lock.run. Show
  // the pid it recorded, obey commands for it, and poll the lock until ./run and its
  // descendants have let go of it; then carry on as after an exit.
  #adopt(): void {
    const extra = readExtraStatus(this.dir);
    const record = readStatusRecord(this.dir);
    let pid = extra?.pid ?? record?.pid ?? 0;
    let pgid = extra?.pgid ?? pid;
    if (pid !== 0 && processGroupOf(pid) !== pgid) {
      pid = 0;
      pgid = 0;
    }
    this.#current = { pid, pgid, adopted: true };
    if (record) this.#since = record.since;
    if (extra) {
      this.#lastStart = extra.lastStart;
      this.#lastExit = extra.lastExit;
    }
    const files = this.#files!;
    this.#adoptTimer = setInterval(() => {
      if (!tryLockExclusive(files.runLockFd)) return;
      clearInterval(this.#adoptTimer);
      this.#adoptTimer = undefined;
      this.#serviceGone(null, null);
    }, ADOPT_POLL_MS);
  }

  #clearStartTimer(): void {
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
  }

  #writeStatus(): void {
    if (this.#closed) return;
    const state = this.state;
    const extra: ExtraStatus = {
      pid: state.pid,
      pgid: state.pgid,
      starts: this.#starts,
      lastStart: this.#lastStart,
      lastExit: this.#lastExit,
      supervisor: this.#supervisorPid,
    };
    writeStatusFiles(
      this.dir,
      { since: this.#since, pid: state.pid, paused: state.paused, want: state.want },
      extra,
      (text, err) => this.#log('warning', `${text}: ${errorText(err)}`),
      this.name,
    );
    this.emit('status', state);
  }

  // Obeys `x`: waits for pending stop escalations, writes the last status, closes everything.
  #finalize(): void {
    if (this.#closed || this.#escalations.size > 0) return;
    this.#writeStatus();
    this.#closed = true;
    this.#clearStartTimer();
    clearInterval(this.#adoptTimer);
    this.#control?.destroy();
    const files = this.#files;
    if (files) {
      closeQuietly(files.controlWriteFd);
      closeQuietly(files.okFd);
      closeQuietly(files.runLockFd);
      closeQuietly(files.lockFd);
    }
    this.#resolveExited();
    this.emit('exited');
  }
}
