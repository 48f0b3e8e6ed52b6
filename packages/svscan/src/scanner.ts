// The scanner: keeps one supervisor per service directory (and one per log/) running, starts
// new ones as they appear, stops removed ones, and brings everything down in order on request.
// Directory events are only hints (they call requestScan); the periodic full scan is the truth.

import { KILL_GRACE_MS } from '@fortress/supervise/escalation';
import { Entry, resetStop } from './entry.js';
import type { Events } from './events.js';
import { closeQuietly, openLogEnd } from './log-fifo.js';
import { entriesGraph, NeedsWarnings } from './needs-warnings.js';
import { scanDirectory } from './scan-dir.js';
import { StopOrder } from './stop-order.js';
import { advanceStop } from './stop-sequence.js';
import { adopted, type StartRequest, type SupervisorHost, supervisedDir, type Which } from './supervision.js';

export interface ScannerOptions {
  /** Absolute path of the scan directory. */
  scanDir: string;
  host: SupervisorHost;
  events: Events;
  /** 0.76 behaviour: leave the supervisors of a removed service running. */
  keepOnRemove?: boolean;
  /** Full scan period (ms); 5000 as svscan. */
  intervalMs?: number;
  /** How long a stopping logger may take to drain its pipe before it is stopped (ms). */
  drainTimeoutMs?: number;
  /** A stop's grace time between SIGTERM and SIGKILL (FORTRESS_KILL_GRACETIME), 3000 ms. */
  killGraceMs?: number;
}

const RESTART_THROTTLE_MS = 1000;
const STOP_POLL_MS = 50;

export class Scanner {
  readonly entries = new Map<string, Entry>();
  private readonly options: Required<ScannerOptions>;
  private scanTimer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private scanQueued = false;
  private shuttingDown = false;
  private started = false;
  private drained: (() => void) | undefined;
  /** At shutdown: which services wait for their dependents to be down (needs/). */
  private stopOrder: StopOrder | undefined;
  private readonly needsWarnings: NeedsWarnings;

  constructor(options: ScannerOptions) {
    this.options = {
      keepOnRemove: false,
      intervalMs: 5000,
      drainTimeoutMs: 5000,
      killGraceMs: KILL_GRACE_MS,
      ...options,
    };
    this.needsWarnings = new NeedsWarnings(this.options.events);
  }

  /** First scan now, then one every interval. */
  start(): void {
    this.started = true;
    this.scan();
    this.scanTimer = setInterval(() => this.scan(), this.options.intervalMs);
  }

  /** Coalesces hints (watcher events, SIGHUP) into one scan on the next turn of the loop. */
  requestScan(): void {
    if (this.scanQueued || this.shuttingDown || !this.started) return;
    this.scanQueued = true;
    setImmediate(() => {
      this.scanQueued = false;
      this.scan();
    });
  }

  scan(): void {
    if (this.shuttingDown) return;
    const { scanDir, events } = this.options;
    let result: ReturnType<typeof scanDirectory>;
    try {
      result = scanDirectory(scanDir);
    } catch (error) {
      events.warn('unable to read directory', { error });
      return;
    }
    for (const { name, error } of result.problems) events.warn(`unable to stat ${name}`, { name, error });
    for (const entry of this.entries.values()) entry.active = false;
    for (const { name, key } of result.services) {
      let entry = this.entries.get(key);
      if (entry === undefined) {
        try {
          entry = new Entry(scanDir, name, key);
        } catch (error) {
          events.warn(`unable to open ${name}`, { name, error });
          continue;
        }
        this.entries.set(key, entry);
        events.info('added', `added ${name}`, { name });
      } else if (entry.name !== name) {
        events.info('added', `${entry.name} is now known as ${name}`, { name, was: entry.name });
        entry.name = name;
      }
      entry.active = true;
      if (entry.stopping) {
        entry.stopping = false;
        resetStop(entry.service);
        resetStop(entry.log);
      }
      if (!this.checkLog(entry)) continue;
      this.ensure(entry, 'service');
      if (entry.hasLog) this.ensure(entry, 'log');
    }
    for (const entry of this.entries.values()) {
      if (entry.active) continue;
      if (this.options.keepOnRemove) this.forgetIfIdle(entry);
      else if (!entry.stopping) this.beginStop(entry, 'removed');
    }
    this.needsWarnings.check(this.graph(true));
  }

  /** The needs/ graph of the entries (only the active ones when ACTIVE), by entry name. */
  private graph(active: boolean): ReturnType<typeof entriesGraph> {
    const entries = [...this.entries.values()].filter((e) => !active || e.active);
    return entriesGraph(this.options.scanDir, entries);
  }

  /** Notices log/ (also when added later) and holds the FIFO; false to skip the entry this scan. */
  private checkLog(entry: Entry): boolean {
    try {
      if (!entry.logExists()) return true;
    } catch (error) {
      this.options.events.warn(`unable to stat ${entry.name}/log`, { name: entry.name, error });
      return false;
    }
    try {
      entry.holdFifo();
    } catch (error) {
      this.options.events.warn(`unable to create pipe for ${entry.name}`, { name: entry.name, error });
      return false;
    }
    if (entry.hasLog) return true;
    entry.hasLog = true;
    const running = entry.service.supervision;
    if (running?.alive()) {
      // Its stdout is not the pipe yet: once ./run goes down on its own (or svc -t), supervise
      // exits and is started again with the pipe. A service that is down is left alone.
      this.options.events.info('log-added', `log added to ${entry.name}`, { name: entry.name });
      if (entry.runPid() !== 0) running.control('x');
    }
    return true;
  }

  /** Starts (or adopts) the supervisor of one slot unless it runs or waits. */
  private ensure(entry: Entry, which: Which): void {
    const slot = entry.slot(which);
    if (slot.timer !== undefined || this.shuttingDown || entry.stopping) return;
    const current = slot.supervision;
    if (current?.alive()) return;
    if (current !== undefined && current.kind !== 'adopted') return; // exit listener pending
    const dir = supervisedDir(entry.dir, which);
    const label = which === 'service' ? entry.name : `${entry.name}/log`;
    const found = adopted(dir);
    if (found.alive()) {
      if (current === undefined) this.options.events.info('adopted', `${label} already supervised`, { name: label });
      slot.supervision = found;
      return;
    }
    slot.supervision = undefined;
    slot.waitForScan = false;
    this.spawn(entry, which);
  }

  private spawn(entry: Entry, which: Which): void {
    const { events, host, scanDir } = this.options;
    const slot = entry.slot(which);
    const label = which === 'service' ? entry.name : `${entry.name}/log`;
    let stdin = 0;
    let stdout = 1;
    try {
      if (entry.hasLog && which === 'service') stdout = openLogEnd(entry.dir, 'write');
      if (which === 'log') stdin = openLogEnd(entry.dir, 'read');
    } catch (error) {
      events.warn(`unable to open pipe for ${label}`, { name: label, error });
      return;
    }
    const request: StartRequest = { name: entry.name, which, scanDir, serviceDir: entry.dir, stdin, stdout };
    slot.startedAt = Date.now();
    try {
      // The host owns stdin and stdout from here on, and closes them when done with them.
      const supervision = host.start(request, (code, signal) => this.exited(entry, which, code, signal));
      slot.supervision = supervision;
      events.info('supervise-started', `started supervise ${label}`, { name: label, pid: supervision.pid });
    } catch (error) {
      events.warn(`unable to start supervise ${label}`, { name: label, error });
      if (stdin !== 0) closeQuietly(stdin);
      if (stdout !== 1) closeQuietly(stdout);
    }
  }

  private exited(entry: Entry, which: Which, code: number | null, signal: string | null): void {
    const { events } = this.options;
    const slot = entry.slot(which);
    const label = which === 'service' ? entry.name : `${entry.name}/log`;
    slot.supervision = undefined;
    const how = signal === null ? `status ${code}` : `signal ${signal}`;
    events.info('supervise-exited', `supervise ${label} exited, ${how}`, { name: label, code, signal });
    if (entry.stopping) {
      this.advanceStop(entry);
      this.releaseStops();
      return;
    }
    if (!entry.active) {
      this.forgetIfIdle(entry);
      return;
    }
    if (this.shuttingDown || this.entries.get(entry.key) !== entry) return;
    if (code === 111) {
      // Most often the lock: another supervise (left by a previous svscan) runs it.
      const found = adopted(supervisedDir(entry.dir, which));
      if (found.alive()) {
        slot.supervision = found;
        events.info('adopted', `${label} already supervised`, { name: label });
      } else {
        slot.waitForScan = true;
        events.warn(`supervise ${label} failed; trying again at the next scan`, { name: label });
      }
      return;
    }
    const wait = Math.max(0, slot.startedAt + RESTART_THROTTLE_MS - Date.now());
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (entry.active && !entry.stopping && this.entries.get(entry.key) === entry) this.ensure(entry, which);
    }, wait);
  }

  private forgetIfIdle(entry: Entry): void {
    if (entry.alive('service') || entry.alive('log')) return;
    entry.close();
    this.entries.delete(entry.key);
    this.options.events.info('forgotten', `forgot ${entry.name}`, { name: entry.name });
    this.checkDrained();
  }

  /** Stops a removed service (or every service, at shutdown) as stop-sequence.ts describes. */
  private beginStop(entry: Entry, why: 'removed' | 'shutdown'): void {
    this.stopOrder?.begin(entry, Date.now());
    entry.stopping = true;
    resetStop(entry.service);
    resetStop(entry.log);
    for (const slot of [entry.service, entry.log]) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    const text = why === 'removed' ? `${entry.name} removed, stopping it` : `stopping ${entry.name}`;
    this.options.events.info(why === 'removed' ? 'removed' : 'stopping', text, { name: entry.name });
    this.advanceStop(entry);
    this.pollStops();
  }

  private advanceStop(entry: Entry): void {
    const { drainTimeoutMs, killGraceMs, events } = this.options;
    const warn = (text: string): void => events.warn(text, { name: entry.name });
    if (!entry.stopping || !advanceStop(entry, { drainTimeoutMs, killGraceMs, warn })) return;
    entry.close();
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    this.options.events.info('stopped', `${entry.name} stopped`, { name: entry.name });
    this.releaseStops();
    this.checkDrained();
  }

  /** Starts the stop of every service whose dependents are down now (or past their deadlines). */
  private releaseStops(): void {
    const order = this.stopOrder;
    if (order === undefined) return;
    for (const { entry, overdue } of order.release()) {
      for (const late of overdue) {
        this.options.events.warn(`${late.name} is not down in time: stopping ${entry.name} anyway`, {
          name: entry.name,
          late: late.name,
        });
      }
      if (!entry.stopping && this.entries.get(entry.key) === entry) this.beginStop(entry, 'shutdown');
    }
  }

  private pollStops(): void {
    if (this.stopTimer !== undefined) return;
    this.stopTimer = setInterval(() => {
      let any = (this.stopOrder?.pending ?? 0) > 0;
      for (const entry of this.entries.values()) {
        if (!entry.stopping) continue;
        any = true;
        this.advanceStop(entry);
      }
      this.releaseStops();
      if (!any) {
        clearInterval(this.stopTimer);
        this.stopTimer = undefined;
      }
    }, STOP_POLL_MS);
  }

  private checkDrained(): void {
    if (this.shuttingDown && this.entries.size === 0) this.drained?.();
  }

  /**
   * SIGTERM/SIGINT: every service down, each logger after its service, and each service after
   * every service that needs it (stop-order.ts); resolves when all are gone.
   */
  shutdown(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      clearInterval(this.scanTimer);
      this.scanTimer = undefined;
      // needs/ read now: entries gained or lost since the last scan count.
      const entries = [...this.entries.values()];
      const isDown = (e: Entry): boolean => this.entries.get(e.key) !== e || !e.alive('service');
      this.stopOrder = new StopOrder(this.graph(false), entries, isDown, this.options.killGraceMs);
      for (const entry of entries) if (entry.stopping) this.stopOrder.begin(entry, Date.now());
    }
    const done = new Promise<void>((resolve) => {
      this.drained = resolve;
    });
    this.releaseStops();
    this.pollStops();
    this.checkDrained();
    return done;
  }
}
