// The per-service state machine of supervise, as a class a host process can instantiate many
// times: no signal handlers, no chdir, no process.exit, no use of process.stdout/stderr.
// Every path is relative to `dir`; ./run's stdio comes from `stdio`; diagnostics go to `log`.
// One state value (#state); every input (control byte, exit of ./run or ./finish, timer,
// readiness, needs) goes through #input(), which runs the action state-table.ts names for it in
// that state. Collaborators do the rest: stop escalation (escalation.ts), adoption (run-record.ts),
// pacing (restart-policy.ts), readiness sources (readiness.ts), needs (needs-watch.ts).
import type { Socket } from 'node:net';
import { appendDeath, DEATH_TALLY_FILE } from '@fortress/core/death-tally';
import { errorText, writeStderr } from '@fortress/core/errors';
import type { ExtraStatus, LastExit, StartError, SupervisorStateName } from '@fortress/core/extra-status';
import { readExtraStatus } from '@fortress/core/extra-status';
import { EVENT_DIR, makeFifodir, notifyFifodir } from '@fortress/core/fifodir';
import { checkNeeds, readNeeds } from '@fortress/core/needs';
import { readStatusRecord, type Want } from '@fortress/core/status-record';
import { type WallTime, wallTime } from '@fortress/core/tai64n';
import { listenForChildExits, onChildExit } from './child-exits.js';
import { controlAction } from './control-bytes.js';
import { KILL_GRACE_MS, killEverything, readTimeoutFile, remnantsAlive, terminateRemnants } from './escalation.js';
import { reapIfOurs } from './libc-ops.js';
import { NeedsWatch } from './needs-watch.js';
import { descendantsOf, membersOf, type ProcessIdentity, sameProcess, sendSignal } from './proc-info.js';
import type { ReadinessListener, ReadinessSource } from './readiness.js';
import { READINESS_SOURCES } from './readiness-sources.js';
import { nextPause, readRestartPolicy } from './restart-policy.js';
import { identityOf, recordedRunAlive, stillRunning, writeRunRecord } from './run-record.js';
import { closeQuietly, openServiceFiles, type ServiceFiles } from './service-files.js';
import { readDownSignal, readMaxDeathTally, readNeedsBound, readServiceType } from './service-settings.js';
import { finishArguments, loadSpawnAddon, type SpawnSettings, spawnService } from './spawn-service.js';
import { type Action, type Input, transition } from './state-table.js';
import { writeStatusFiles } from './status-files.js';

// Builtins through getBuiltinModule: an ES import of node:fs builds fs's whole namespace
// (fs/promises, streams, readline), about 0.7 MiB of private memory per supervise process.
const { EventEmitter } = process.getBuiltinModule('node:events');
const { statSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { dirname } = process.getBuiltinModule('node:path');
const { signals } = process.getBuiltinModule('node:os').constants;
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
  /**
   * How long shutdown() (a tree stop) gives the service between SIGTERM and SIGKILL to its
   * process group and descendants, unless a `timeout-kill` file says otherwise. Default 3000 ms
   * (hosts take FORTRESS_KILL_GRACETIME, see killGraceFrom()).
   */
  killGraceMs?: number;
  /**
   * The scan directory whose entries needs/ names. Default: the directory above `name` as given
   * (`svc/b` → `svc`), else `DIR/..`.
   */
  scanDir?: string;
}

/** A snapshot of the state machine, for hosts. */
export interface SupervisorState {
  pid: number;
  pgid: number;
  want: Want;
  paused: boolean;
  normallyDown: boolean;
  /** ./run was started by an earlier supervise that died; we watch it through its recorded identity. */
  adopted: boolean;
  finishing: boolean;
  exitRequested: boolean;
  starts: number;
  lastStart: number | null;
  lastExit: LastExit | null;
  /** Why the last start of ./run failed, until one succeeds. */
  startError: StartError | null;
  /** The state machine's state (README, "States"). */
  supervision: SupervisorStateName;
  /** ./run said it is ready (notification-fd); null when it does not use readiness. */
  ready: boolean | null;
  /** The needed services not satisfied (state `waiting`), sorted. */
  waitingFor: string[];
  /** Those of them that failed permanently. */
  failedNeeds: string[];
}

interface RunningService extends ProcessIdentity {
  pgid: number;
  adopted: boolean;
}

/** A stop under way: SIGKILL for what is left when `timer` fires. */
interface Escalation {
  timer: NodeJS.Timeout;
  /** Descendants of ./run when the stop began. */
  seen: ProcessIdentity[];
  ms: number;
  /** Looks for the end of what is left once ./run is gone (tree stops only). */
  poll?: NodeJS.Timeout;
  /** The deadline has passed and the SIGKILLs are on their way. */
  firing?: boolean;
}

/** At least this long between two starts of ./run. */
export const START_INTERVAL_MS = 1000;
/** How often an adopted ./run (not our child: no SIGCHLD) is looked for in /proc. */
export const ADOPT_POLL_MS = 200;
/** How often a tree stop looks whether what ./run left behind is gone. */
const REMNANT_POLL_MS = 50;
/** Default time limit of ./finish (s6's default too), overridden by a `timeout-finish` file. */
export const FINISH_TIMEOUT_MS = 5000;
/** ./finish exiting with this means the service failed permanently (s6): no restart until `u`. */
export const PERMANENT_FAILURE_EXIT = 125;

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
  readonly #killGraceMs: number;
  readonly #scanDir: string;
  #resolveExited!: () => void;
  /** Open from start() until the service exits (undefined before and after). */
  #files: ServiceFiles | undefined;
  #control: Socket | undefined;
  /** DIR/down existed at start-up. */
  #normallyDown = false;
  /** The one state value (README, "States"); every change goes through #enter(). */
  #state: SupervisorStateName = 'down';
  // The service's wishes, which actions consult to choose the next state (s6's flags):
  /** The 0.76 want: up (restart whenever it ends), none (once), down. */
  #want: Want = 'up';
  /** `x` was asked: exit as soon as nothing runs. */
  #exitRequested = false;
  #paused = false;
  /** shutdown() was called: stops end within the grace time, remnants included. */
  #treeStop = false;
  // Data of what runs:
  /** The ./run of states starting, up, ready and stopping. */
  #current: RunningService | undefined;
  /** Pid of ./finish (state finishing). */
  #finishPid: number | undefined;
  #lastStartMono = Number.NEGATIVE_INFINITY;
  #startTimer: NodeJS.Timeout | undefined;
  #adoptTimer: NodeJS.Timeout | undefined;
  #escalations = new Map<number, Escalation>();
  /** What the last ./run left in its process group when it ended, for a tree stop to sweep. */
  #remnants: { pgid: number; seen: ProcessIdentity[] } | undefined;
  #since: WallTime = wallTime();
  #starts = 0;
  #lastStart: number | null = null;
  #lastExit: LastExit | null = null;
  #startError: StartError | null = null;
  /** Event bytes for event/, sent after the next status write (a waiter that subscribes too
   * late for an event finds its effect in the status). */
  #pendingEvents = '';
  /** The readiness sources of the current ./run. */
  #readiness: ReadinessSource[] = [];
  /** Counts starts: a readiness callback of an earlier ./run is recognised and dropped. */
  #runNumber = 0;
  /** The current ./run has readiness sources. */
  #usesReadiness = false;
  #readySince: number | null = null;
  /** The last status text from ./run (NOTIFY_SOCKET's STATUS=), null when none. */
  #statusText: string | null = null;
  /** Unix ms when the paced next start is due, while in backoff. */
  #nextStart: number | null = null;
  /** The backoff pause after the last death (0: none; restart-policy.ts). */
  #pauseMs = 0;
  /** performance.now() before which no start is made (the backoff pause after a death). */
  #pausedUntilMono = Number.NEGATIVE_INFINITY;
  /** `type` says oneshot (read at each start). */
  #oneshot = false;
  /** needs/ as read at the last start attempt, and whether `needs-bound` exists. */
  #needs: string[] = [];
  #needsBound = false;
  #badNeeds = '';
  #waitingFor: string[] = [];
  #failedNeeds: string[] = [];
  #needsWatch: NeedsWatch | undefined;

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
    this.#killGraceMs = options.killGraceMs ?? KILL_GRACE_MS;
    // `DIR/..` is the kernel's parent (of a symlink's target); the name as given is the entry.
    this.#scanDir = options.scanDir ?? (options.name !== undefined ? dirname(options.name) : `${options.dir}/..`);
    this.exited = new Promise((resolve) => {
      this.#resolveExited = resolve;
    });
  }

  /**
   * Creates and locks DIR/supervise/, writes the status and starts ./run unless `down` exists.
   * Rejects with a FortressError, ERR_SETUP (`unable to acquire DIR/supervise/lock: temporary failure`, ...).
   */
  async start(): Promise<void> {
    if (this.#files || this.#state === 'exited')
      throw new Error('Supervisor: start() called twice or after shutdown()');
    const files = openServiceFiles(this.dir, this.name);
    this.#files = files;
    // Loaded now rather than on the way from a command or an exit to the next ./run.
    loadSpawnAddon();
    listenForChildExits();
    this.#normallyDown = files.normallyDown;
    this.#want = files.normallyDown ? 'down' : 'up';
    this.#makeEventFiles();
    const orphan = recordedRunAlive(files.runRecordFd, this.dir);
    if (orphan) this.#adopt(orphan);
    this.#writeStatus();
    const control = new net.Socket({ fd: files.controlReadFd, readable: true, writable: false });
    control.on('data', (chunk: Buffer) => {
      for (const byte of chunk) this.command(byte);
    });
    control.on('error', (err) =>
      this.#log('warning', `unable to read ${this.name}/supervise/control: ${errorText(err)}`),
    );
    this.#control = control;
    // Start-up is, for the table, the end of a pause in state down: start if wanted.
    if (this.#state === 'down' && this.#want === 'up') this.#act('start');
  }

  /** Obeys one control byte (or each byte of a string), exactly as if it came through the FIFO. */
  command(input: number | string): void {
    if (typeof input === 'string') {
      for (const byte of Buffer.from(input, 'latin1')) this.command(byte);
      return;
    }
    if (!this.#files) return;
    const action = controlAction(input);
    if (!action) return;
    if (action.kind === 'signal') this.#input('signal', action.signal);
    else this.#input(CONTROL_INPUTS[action.kind]);
  }

  /**
   * A tree stop: like `svc -dx`, and besides, whatever is left of the service after the grace
   * time (`timeout-kill` ms if that file exists, else `killGraceMs`) gets SIGKILL: ./run, its
   * process group, its descendants; what ./run leaves behind when it exits gets SIGTERM at
   * once. Then closes everything; resolves with `exited`. On a Supervisor that was never
   * started (or whose start() failed) it resolves at once.
   */
  shutdown(): Promise<void> {
    if (!this.#files && this.#state !== 'exited') {
      this.#state = 'exited';
      this.#resolveExited();
      return this.exited;
    }
    if (this.#state !== 'exited' && !this.#treeStop) {
      this.#treeStop = true;
      // ./run already down (`svc -d` earlier), but what it left runs on: that goes too. A
      // member of the group seen since proves the group id has not been reused meanwhile.
      const left = this.#remnants;
      if (!this.#current && left && left.seen.some(sameProcess)) this.#sweepRemnants(left.pgid, left.seen);
    }
    this.command(0x64);
    this.command(0x78);
    return this.exited;
  }

  get state(): SupervisorState {
    const cur = this.#current;
    const waiting = this.#state === 'waiting';
    return {
      pid: cur?.pid ?? 0,
      pgid: cur?.pgid ?? 0,
      want: this.#want,
      paused: this.#paused && (cur?.pid ?? 0) !== 0,
      normallyDown: this.#normallyDown,
      adopted: cur?.adopted ?? false,
      finishing: this.#state === 'finishing',
      exitRequested: this.#exitRequested,
      starts: this.#starts,
      lastStart: this.#lastStart,
      lastExit: this.#lastExit,
      startError: this.#startError,
      supervision: this.#state,
      ready: this.#usesReadiness ? this.#readySince !== null : null,
      waitingFor: waiting ? [...this.#waitingFor] : [],
      failedNeeds: waiting ? [...this.#failedNeeds] : [],
    };
  }

  // Every input goes through here: the table says what it does in the current state.
  #input(input: Input, ...args: unknown[]): void {
    this.#act(transition(this.#state, input), args);
  }

  #act(action: Action, args: unknown[] = []): void {
    switch (action) {
      case 'ignore':
        return;
      case 'note':
        this.#writeStatus();
        return;
      case 'want-up':
        // Asked up again after down or failed: no backoff pause left over (1 s pacing stays).
        if (this.#state === 'failed' || this.#want !== 'up') {
          this.#pausedUntilMono = Number.NEGATIVE_INFINITY;
          this.#pauseMs = 0;
        }
        this.#want = 'up';
        this.#startIfAllowed();
        return;
      case 'want-once':
        this.#want = 'none';
        this.#startIfAllowed();
        return;
      case 'rest':
        this.#want = 'down';
        this.#clearStartTimer();
        this.#enter('down');
        this.#writeStatus();
        return;
      case 'want-down-failed':
        this.#want = 'down';
        this.#writeStatus();
        return;
      case 'want-up-later':
        this.#want = 'up';
        this.#writeStatus();
        return;
      case 'want-once-later':
        this.#want = 'none';
        this.#writeStatus();
        return;
      case 'want-down-later':
        this.#want = 'down';
        this.#writeStatus();
        return;
      case 'stop':
        this.#want = 'down';
        this.#stopRun();
        return;
      case 'kick':
        this.#stopRun();
        return;
      case 'needs-lost':
        if (this.#needsBound) this.#stopRun();
        return;
      case 'exit-later':
        this.#exitRequested = true;
        this.#writeStatus();
        return;
      case 'exit-now':
        this.#exitRequested = true;
        this.#writeStatus();
        this.#finalize();
        return;
      case 'exit-if-asked':
        if (this.#exitRequested) this.#finalize();
        return;
      case 'pause':
        this.#paused = true;
        for (const source of this.#readiness) source.pause?.(true);
        this.#signal('SIGSTOP');
        this.#writeStatus();
        return;
      case 'continue':
        this.#paused = false;
        for (const source of this.#readiness) source.pause?.(false);
        this.#signal('SIGCONT');
        this.#writeStatus();
        return;
      case 'signal':
        this.#signal(args[0] as NodeJS.Signals);
        return;
      case 'start':
        this.#startIfAllowed();
        return;
      case 'run-ended':
        this.#runEnded(args[0] as number | null, args[1] as NodeJS.Signals | null);
        return;
      case 'finish-ended':
        this.#finishEnded(args[0] as number | null);
        return;
      case 'become-ready':
        this.#readySince = Date.now();
        this.#enter('ready', 'U');
        this.#writeStatus();
        return;
      case 'note-ready':
        this.#readySince = Date.now();
        this.#writeStatus();
        return;
      case 'become-up':
        this.#enter('up');
        this.#writeStatus();
        return;
      case 'reload':
        this.#readySince = null;
        this.#enter('starting');
        this.#writeStatus();
        return;
      case 'announce-stop':
        this.#readySince = null;
        this.#enter('stopping');
        this.#writeStatus();
        return;
      case 'note-needs':
        this.#writeStatus();
        return;
    }
  }

  #spawnSettings(): SpawnSettings {
    return { dir: this.dir, stdio: this.#stdio, env: this.#env ?? process.env };
  }

  // The state changes in one place, with the event bytes each change sends (s6's letters):
  // starting/up `u` (after `s`), ready `U`, down after a run `d`, then `D` once ./finish is done,
  // failed `O`, done `U` (after `d` `D`), exited `x`. The bytes go out after the next status write.
  #enter(state: SupervisorStateName, events = ''): void {
    this.#state = state;
    this.#pendingEvents += events;
    if (state !== 'backoff') this.#nextStart = null;
    // needs/ is watched while waiting, and while ./run runs under needs-bound.
    const running = state === 'starting' || state === 'up' || state === 'ready';
    if (state !== 'waiting' && !(running && this.#needsBound)) this.#unwatchNeeds();
  }

  // event/ (the fifodir waiters subscribe to) and an empty death tally, as s6-supervise makes
  // them; a failure here is a warning, never a reason not to supervise.
  #makeEventFiles(): void {
    try {
      makeFifodir(`${this.dir}/${EVENT_DIR}`);
    } catch (err) {
      this.#log('warning', `unable to create ${this.name}/${EVENT_DIR}: ${errorText(err)}`);
    }
    try {
      writeFileSync(`${this.dir}/supervise/${DEATH_TALLY_FILE}`, '', { flag: 'wx', mode: 0o644 });
    } catch {
      // there already (or supervise/ unwritable, which the status writes report)
    }
  }

  // One more death in supervise/death_tally (s6's format; permafailon and svdt read it).
  #tallyDeath(code: number | null, signal: NodeJS.Signals | null): void {
    if (code === null && signal === null) return; // an adopted ./run: how it ended is unknown
    try {
      const death = {
        at: wallTime(),
        code: signal === null ? code : null,
        signal: signal === null ? null : (signals[signal] ?? 0),
      };
      appendDeath(`${this.dir}/supervise`, death, readMaxDeathTally(this.dir));
    } catch (err) {
      this.#log('warning', `unable to write ${this.name}/supervise/${DEATH_TALLY_FILE}: ${errorText(err)}`);
    }
  }

  // The readiness sources the directory asks for, for the next ./run; their calls become inputs
  // while that ./run is the current one.
  #openReadiness(settings: SpawnSettings): ReadinessSource[] {
    const run = ++this.#runNumber;
    const current = (): boolean => run === this.#runNumber;
    let never = 0;
    const sources: ReadinessSource[] = [];
    const listener: ReadinessListener = {
      ready: () => current() && this.#input('ready'),
      never: () => {
        if (current() && ++never >= sources.length) this.#input('never');
      },
      status: (text) => {
        if (!current()) return;
        this.#statusText = text;
        this.#input('notice');
      },
      stopping: () => current() && this.#input('stopping'),
      reloading: () => current() && this.#input('reloading'),
      watchdogMissed: () => current() && this.#input('kick'),
    };
    const context = { ...settings, name: this.name, warn: (text: string) => this.#log('warning', text) };
    for (const make of READINESS_SOURCES) {
      const source = make(context, listener);
      if (source) sources.push(source);
    }
    return sources;
  }

  #closeReadiness(): void {
    this.#runNumber++;
    for (const source of this.#readiness) source.close();
    this.#readiness = [];
    this.#usesReadiness = false;
    this.#readySince = null;
  }

  // Wanted to run and nothing runs: wait for needs/, then for the pacing, then start ./run. The
  // status is written on every way out.
  #startIfAllowed(): void {
    if (!this.#needsAllowStart()) {
      this.#clearStartTimer();
      this.#enter('waiting');
      this.#writeStatus();
      return;
    }
    const wait = Math.max(this.#lastStartMono + START_INTERVAL_MS, this.#pausedUntilMono) - performance.now();
    if (wait > 0) {
      this.#startTimer ??= setTimeout(() => {
        this.#startTimer = undefined;
        this.#input('timer');
      }, wait);
      this.#enter('backoff');
      this.#nextStart = Date.now() + Math.ceil(wait);
      this.#writeStatus();
      return;
    }
    this.#spawnRun();
  }

  // Reads needs/ and every needed service's status: true when all are satisfied. While some
  // are not, they are watched (events and a slow poll) until they are.
  #needsAllowStart(): boolean {
    const read = readNeeds(this.dir);
    if (read.error) this.#log('warning', `unable to read ${this.name}/needs: ${errorText(read.error)}`);
    const bad = read.bad.join(' ');
    if (bad !== '' && bad !== this.#badNeeds) {
      this.#log('warning', `${this.name}/needs: ignored entries that name no service: ${bad}`);
    }
    this.#badNeeds = bad;
    this.#needs = read.names;
    this.#needsBound = read.names.length > 0 && readNeedsBound(this.dir);
    if (read.names.length === 0) {
      this.#waitingFor = [];
      this.#failedNeeds = [];
      return true;
    }
    let check = checkNeeds(read.names, this.#scanDir);
    if (check.waitingFor.length > 0 && this.#needsWatch === undefined) {
      // Read again once subscribed: an event between the first read and the subscription
      // would otherwise be lost until the poll. (Needs met at once cost no subscription.)
      this.#watchNeeds();
      check = checkNeeds(read.names, this.#scanDir);
    }
    this.#waitingFor = check.waitingFor;
    this.#failedNeeds = check.failedNeeds;
    const met = check.waitingFor.length === 0;
    if (!met || this.#needsBound) this.#watchNeeds();
    else this.#unwatchNeeds();
    return met;
  }

  #watchNeeds(): void {
    this.#needsWatch ??= new NeedsWatch(this.#scanDir, this.#needs, () => this.#needsChanged());
  }

  #unwatchNeeds(): void {
    this.#needsWatch?.close();
    this.#needsWatch = undefined;
  }

  // An event of a needed service, or the poll: read their status again.
  #needsChanged(): void {
    const check = checkNeeds(this.#needs, this.#scanDir);
    const changed =
      check.waitingFor.join('/') !== this.#waitingFor.join('/') ||
      check.failedNeeds.join('/') !== this.#failedNeeds.join('/');
    this.#waitingFor = check.waitingFor;
    this.#failedNeeds = check.failedNeeds;
    if (check.waitingFor.length === 0) this.#input('needs-met');
    else if (changed || this.#state !== 'waiting') this.#input('needs-lost');
  }

  // Starts ./run now and writes the status (or, when the spawn fails, goes down as after a death).
  #spawnRun(): void {
    this.#clearStartTimer();
    this.#lastStartMono = performance.now();
    const recordFd = this.#files!.runRecordFd;
    const warnRecord = (err: unknown): void =>
      this.#log('warning', `unable to write ${this.name}/supervise/run.id: ${errorText(err)}`);
    // `pending` first: a supervise killed between the spawn and the record leaves a trace.
    writeRunRecord(recordFd, undefined, warnRecord);
    const type = readServiceType(this.dir);
    if (type instanceof Error) this.#log('warning', `unable to read ${this.name}/type: bad format`);
    this.#oneshot = type === 'oneshot';
    const settings = this.#spawnSettings();
    const sources = this.#openReadiness(settings);
    // The last STATUS= stays shown after ./run ends, until the next start.
    this.#statusText = null;
    const fds = sources.flatMap((source) => source.fds);
    if (fds.length > 0) settings.extraFds = fds;
    const env = sources.reduce<Record<string, string | undefined>>((all, source) => Object.assign(all, source.env), {});
    if (Object.keys(env).length > 0) settings.env = { ...settings.env, ...env };
    this.#pendingEvents += 's';
    let pid: number;
    try {
      pid = spawnService('run', [], settings);
    } catch (err) {
      this.#readiness = sources;
      this.#closeReadiness();
      this.#startFailed(err);
      return;
    }
    this.#readiness = sources;
    for (const source of sources) source.afterSpawn(pid);
    this.#usesReadiness = sources.length > 0;
    this.#readySince = null;
    onChildExit(pid, (code, signal) => {
      if (this.#current?.pid === pid && !this.#current.adopted) this.#input('run-exit', code, signal);
    });
    // Recorded before anything else: a supervise started after a crash of this one finds it.
    const run = identityOf(pid);
    writeRunRecord(recordFd, run, warnRecord);
    this.#current = { ...run, pgid: pid, adopted: false };
    this.#enter(this.#usesReadiness ? 'starting' : 'up', 'u');
    this.#startError = null;
    this.#starts++;
    this.#lastStart = Date.now();
    this.#since = wallTime();
    this.#paused = false;
    this.#writeStatus();
    this.emit('start', pid);
  }

  #startFailed(err: unknown): void {
    const text = `unable to start ${this.name}/run: ${errorText(err)}`;
    this.#log('fatal', text);
    this.#startError = { text, at: Date.now() };
    this.#pauseAfterDeath();
    this.#enter('down', 'dD');
    this.#next();
  }

  // ./run is gone (state starting, up, ready or stopping).
  #runEnded(code: number | null, signal: NodeJS.Signals | null): void {
    const ended = this.#current;
    this.#current = undefined;
    this.#since = wallTime();
    this.#paused = false;
    this.#lastExit = { code, signal, at: Date.now() };
    this.#closeReadiness();
    this.#pauseAfterDeath();
    if (ended) this.#leftBehind(ended);
    this.emit('exit', code, signal);
    if (this.#finishExists()) {
      // The tally first: ./finish may read it (permafailon).
      this.#tallyDeath(code, signal);
      this.#enter('finishing', 'd');
      this.#writeStatus();
      this.#runFinish(code, signal);
    } else if (this.#restartsAtOnce()) {
      // Respawn first, write the status after (it then records both the exit and the new
      // start): the status files are not on the path from exit to the next ./run.
      this.#enter('down', 'dD');
      this.#startIfAllowed();
      this.#tallyDeath(code, signal);
    } else {
      this.#tallyDeath(code, signal);
      this.#enter('down', 'dD');
      this.#next();
    }
  }

  // ./finish is gone (state finishing): 125 is a permanent failure (unless `x` is pending).
  #finishEnded(finishCode: number | null): void {
    this.#finishPid = undefined;
    if (finishCode === PERMANENT_FAILURE_EXIT && !this.#exitRequested) {
      this.#want = 'down';
      this.#clearStartTimer();
      this.#enter('failed', 'DO');
    } else this.#enter('down', 'D');
    this.#next();
  }

  // Nothing runs any more (state down or failed, just entered): exit if asked to; a oneshot that
  // succeeded is done; start again if wanted; else stay. The status is written on every way out.
  #next(): void {
    if (this.#exitRequested) {
      this.#writeStatus();
      this.#finalize();
    } else if (this.#state === 'failed') {
      this.#writeStatus();
    } else if (this.#oneshotSucceeded()) {
      this.#clearStartTimer();
      this.#enter('done', 'U');
      this.#writeStatus();
    } else if (this.#want === 'up') {
      this.#startIfAllowed();
    } else {
      this.#writeStatus();
    }
  }

  #oneshotSucceeded(): boolean {
    return this.#oneshot && this.#want !== 'down' && this.#lastExit?.code === 0 && this.#startError === null;
  }

  // ./run has ended: end its stop if nothing is left of it; in a tree stop, sweep what is left.
  // Otherwise remember the group's members (off the way to the next start) for a later tree stop.
  #leftBehind(ended: RunningService): void {
    const { pgid } = ended;
    const pending = this.#escalations.get(pgid);
    const seen = pending?.seen ?? [];
    this.#remnants = undefined;
    if (pending?.firing) return;
    if (!remnantsAlive(pgid, seen)) {
      this.#endEscalation(pgid);
      return;
    }
    if (this.#treeStop) {
      this.#sweepRemnants(pgid, seen);
      return;
    }
    // After the restart: a /proc walk is not for the way from an exit to the next ./run.
    setImmediate(() => {
      const members = membersOf(pgid);
      if (members.length > 0 || seen.length > 0) this.#remnants = { pgid, seen: [...seen, ...members] };
    });
  }

  // Whether the next start may follow the exit at once (wanted up, no pacing or pause due, not
  // a oneshot that succeeded): the fast path of a respawn.
  #restartsAtOnce(): boolean {
    const now = performance.now();
    return (
      !this.#exitRequested &&
      this.#want === 'up' &&
      !this.#oneshotSucceeded() &&
      now - this.#lastStartMono >= START_INTERVAL_MS &&
      now >= this.#pausedUntilMono
    );
  }

  // The backoff pause this death earns (none without a restart-delay-max file).
  #pauseAfterDeath(): void {
    const now = performance.now();
    this.#pauseMs = nextPause(this.#pauseMs, now - this.#lastStartMono, readRestartPolicy(this.dir));
    this.#pausedUntilMono = now + this.#pauseMs;
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
      this.#enter('down', 'D');
      this.#next();
      return;
    }
    this.#finishPid = pgid;
    const limit = readTimeoutFile(this.dir, 'timeout-finish', FINISH_TIMEOUT_MS);
    // In a tree stop a ./finish without a time limit gets the grace time: the stop must end.
    const ms = limit > 0 || !this.#treeStop ? limit : this.#killGraceMs;
    const timer = ms > 0 || this.#treeStop ? setTimeout(() => sendSignal(-pgid, 'SIGKILL'), ms) : undefined;
    onChildExit(pgid, (finishCode) => {
      clearTimeout(timer);
      if (this.#finishPid === pgid) this.#input('finish-exit', finishCode);
    });
  }

  // Signals ./run (its pid only, as 0.76 does). An adopted pid is checked against its recorded
  // start time first, so a recycled pid is never signalled.
  #signal(signal: NodeJS.Signals): void {
    const cur = this.#current;
    if (!cur || (cur.adopted && !stillRunning(cur))) return;
    sendSignal(cur.pid, signal);
  }

  // `d` (or a kick): down-signal and SIGCONT to ./run, with a deadline when there is one: `stopping`.
  #stopRun(): void {
    this.#clearStartTimer();
    const cur = this.#current;
    if (cur) {
      this.#armEscalation(cur);
      this.#signal(readDownSignal(this.dir));
      this.#signal('SIGCONT');
    }
    this.#paused = false;
    this.#enter('stopping');
    this.#writeStatus();
  }

  // The deadline of a stop: `timeout-kill` ms when that file exists (it wins), else the grace
  // time in a tree stop, else none (0.76 waits forever).
  #stopDeadline(): number {
    const ms = readTimeoutFile(this.dir, 'timeout-kill', 0);
    if (ms > 0 || !this.#treeStop) return ms;
    return this.#killGraceMs;
  }

  #armEscalation(cur: RunningService): void {
    const ms = this.#stopDeadline();
    if ((ms <= 0 && !this.#treeStop) || this.#escalations.has(cur.pgid)) return;
    // Descendants now, while ./run still links them: once it exits they are orphans.
    const seen = descendantsOf(cur.pid);
    const timer = setTimeout(() => this.#killAtDeadline(cur, seen, ms), ms);
    this.#escalations.set(cur.pgid, { timer, seen, ms });
  }

  // In a tree stop, once ./run is gone: SIGTERM to what it left, and the stop ends as soon as
  // that is gone too (the deadline's SIGKILL stays armed for what ignores SIGTERM).
  #sweepRemnants(pgid: number, seen: ProcessIdentity[]): void {
    let pending = this.#escalations.get(pgid);
    if (!pending) {
      const ms = this.#stopDeadline();
      const timer = setTimeout(() => this.#killAtDeadline(undefined, seen, ms, pgid), ms);
      pending = { timer, seen, ms };
      this.#escalations.set(pgid, pending);
    }
    terminateRemnants(pgid, pending.seen);
    const { seen: watched } = pending;
    pending.poll ??= setInterval(() => {
      if (!remnantsAlive(pgid, watched)) this.#endEscalation(pgid);
    }, REMNANT_POLL_MS);
  }

  #killAtDeadline(cur: RunningService | undefined, seen: ProcessIdentity[], ms: number, pgid = cur?.pgid ?? 0): void {
    const pending = this.#escalations.get(pgid);
    if (!pending) return;
    pending.firing = true;
    clearInterval(pending.poll);
    const pidAlive = cur !== undefined && this.#current === cur && (!cur.adopted || stillRunning(cur));
    if (pidAlive || remnantsAlive(pgid, seen)) {
      try {
        killEverything(cur?.pid ?? 0, pgid, pidAlive, seen);
        this.#log('warning', `${this.name} did not stop within ${ms} ms: sent SIGKILL to process group ${pgid}`);
      } catch (err) {
        this.#log('warning', `unable to kill ${this.name}/run: ${errorText(err)}`);
      }
    }
    this.#endEscalation(pgid);
  }

  #endEscalation(pgid: number): void {
    const pending = this.#escalations.get(pgid);
    if (!pending) return;
    clearTimeout(pending.timer);
    clearInterval(pending.poll);
    this.#escalations.delete(pgid);
    this.#input('drained');
  }

  // An earlier supervise was killed while its ./run lived: supervise/run.id names a process
  // that is still that ./run (same pid, start time, boot, its own session). Show it, obey
  // commands for it, and look every ADOPT_POLL_MS whether it is still there; once it is gone
  // (whatever its descendants do), carry on as after an exit.
  #adopt(run: ProcessIdentity): void {
    const extra = readExtraStatus(this.dir);
    const record = readStatusRecord(this.dir);
    const cur: RunningService = { ...run, pgid: run.pid, adopted: true };
    this.#current = cur;
    this.#enter('up');
    // Found through a `pending` record: record it properly now.
    writeRunRecord(this.#files!.runRecordFd, run, (err) =>
      this.#log('warning', `unable to write ${this.name}/supervise/run.id: ${errorText(err)}`),
    );
    if (record?.pid === run.pid) this.#since = record.since;
    if (extra) {
      this.#lastStart = extra.lastStart;
      this.#lastExit = extra.lastExit;
    }
    this.#adoptTimer = setInterval(() => {
      if (stillRunning(run)) return;
      clearInterval(this.#adoptTimer);
      this.#adoptTimer = undefined;
      // Orphans come to us when we are a subreaper or pid 1: do not leave it a zombie.
      reapIfOurs(run.pid);
      if (this.#current === cur) this.#input('run-exit', null, null);
    }, ADOPT_POLL_MS);
  }

  #clearStartTimer(): void {
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
  }

  #writeStatus(): void {
    if (!this.#files) return;
    const state = this.state;
    const extra: ExtraStatus = {
      pid: state.pid,
      pgid: state.pgid,
      starts: this.#starts,
      lastStart: this.#lastStart,
      lastExit: this.#lastExit,
      supervisor: this.#supervisorPid,
      startError: this.#startError,
      state: this.#state,
      ready: state.ready,
      readySince: this.#readySince,
      nextStart: this.#state === 'backoff' ? this.#nextStart : null,
      waitingFor: state.waitingFor,
      failedNeeds: state.failedNeeds,
      statusText: this.#statusText,
    };
    if (this.#oneshot) extra.type = 'oneshot';
    // A oneshot that is done shows as a 0.76 service after `svc -o` ran to its end: down, no want.
    const want = this.#state === 'done' ? 'none' : state.want;
    writeStatusFiles(
      this.dir,
      { since: this.#since, pid: state.pid, paused: state.paused, want },
      extra,
      (text, err) => this.#log('warning', `${text}: ${errorText(err)}`),
      this.name,
    );
    this.#sendEvents();
    this.emit('status', state);
  }

  #sendEvents(): void {
    const events = this.#pendingEvents;
    this.#pendingEvents = '';
    for (const event of events) notifyFifodir(`${this.dir}/${EVENT_DIR}`, event);
  }

  // Obeys `x`: waits for pending stop escalations, writes the last status, closes everything.
  #finalize(): void {
    if (this.#state === 'exited' || this.#escalations.size > 0) return;
    this.#closeReadiness();
    this.#enter('exited', 'x');
    this.#writeStatus();
    this.#clearStartTimer();
    clearInterval(this.#adoptTimer);
    this.#control?.destroy();
    const files = this.#files;
    this.#files = undefined;
    if (files) {
      closeQuietly(files.controlWriteFd);
      closeQuietly(files.okFd);
      closeQuietly(files.runRecordFd);
      closeQuietly(files.lockFd);
    }
    this.#resolveExited();
    this.emit('exited');
  }
}

/** The state machine's input for each control byte that is not a signal. */
const CONTROL_INPUTS = { up: 'u', once: 'o', down: 'd', exit: 'x', pause: 'p', continue: 'c' } as const;
