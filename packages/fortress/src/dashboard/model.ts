// What the dashboard knows of a scan directory, kept current by inotify (fs.watch) on each
// service's directory, its supervise/ and its log directory, and on the scan directory itself.
// Events only mark services dirty; one shared timer refreshes them together and reports what
// changed, so a burst of writes costs one read per service and there is no timer per service.
import type { FSWatcher } from 'node:fs';
import type { GroupMemory } from '../status/process-memory.js';
import { RestartHistory } from './history.js';
import { LogFollower, logDirOf } from './log-tail.js';
import { type Cells, renderCells, sameCell } from './render.js';
import {
  listServiceDirs,
  memoryTable,
  readService,
  type ServiceEntry,
  type ServiceView,
  statusDir,
} from './service-source.js';

const { watch } = process.getBuiltinModule('node:fs');
// Builtins through getBuiltinModule: an ES import builds the module's whole namespace.
const { EventEmitter } = process.getBuiltinModule('node:events');

/** Delay that gathers a burst of file events into one refresh. */
const GATHER_MS = 15;
/** The one periodic sweep: memory (no file event tells of it), and watches that could not be set. */
export const SWEEP_MS = 10_000;

export interface Tracked {
  entry: ServiceEntry;
  view: ServiceView;
  cells: Cells;
  history: RestartHistory;
  /** The log of a service (not of a logger itself). */
  log: LogFollower | undefined;
  watchers: Map<string, FSWatcher>;
  /** The service DIR/log of this one: shown in this service's row, not in a row of its own. */
  logger: Tracked | undefined;
  /** For a logger: the service it logs for. */
  parent: Tracked | undefined;
}

export interface ModelEvents {
  /** A service's cells that changed (name → HTML). */
  change: [name: string, changed: Partial<Cells>];
  log: [name: string, lines: string[]];
  add: [name: string];
  remove: [name: string];
}

export class DashboardModel extends EventEmitter<ModelEvents> {
  readonly scanDir: string;
  readonly control: boolean;
  private readonly tracked = new Map<string, Tracked>();
  private readonly dirty = new Set<string>();
  private readonly logDirty = new Set<string>();
  private rescan = false;
  private gather: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private scanWatcher: FSWatcher | undefined;
  private memo: GroupMemory | undefined;
  /** The first reading is the page itself; only later arrivals are announced as added. */
  private started = false;

  constructor(scanDir: string, options: { control: boolean }) {
    super();
    this.scanDir = scanDir;
    this.control = options.control;
  }

  /** Reads every service and starts watching; throws when the scan directory cannot be read. */
  start(): void {
    this.reconcile(listServiceDirs(this.scanDir));
    this.watchScanDir();
    this.sweep = setInterval(() => this.sweepAll(), SWEEP_MS);
    this.sweep.unref();
  }

  close(): void {
    clearInterval(this.sweep);
    clearTimeout(this.gather);
    this.scanWatcher?.close();
    for (const t of this.tracked.values()) for (const w of t.watchers.values()) w.close();
    this.tracked.clear();
  }

  /** The services in scan order, loggers included (the API and the metrics list them all). */
  services(): Tracked[] {
    return [...this.tracked.values()];
  }

  get(name: string): Tracked | undefined {
    return this.tracked.get(name);
  }

  /** The page's rows: every service but the loggers, which show in their service's row. */
  rows(): Tracked[] {
    return this.services().filter((t) => t.parent === undefined);
  }

  /**
   * Memory per process group, from one pass over /proc made by the sweep: an event's refresh
   * (svc -d, a log line) does not pay for reading every process of the machine. A group the
   * table does not know yet (a service just started) shows its memory after the next sweep.
   */
  private memory = (): GroupMemory => {
    this.memo ??= memoryTable();
    return this.memo;
  };

  private watchScanDir(): void {
    try {
      this.scanWatcher = watch(this.scanDir, () => {
        this.rescan = true;
        this.schedule();
      });
      this.scanWatcher.on('error', () => {
        this.scanWatcher?.close();
        this.scanWatcher = undefined;
      });
    } catch {
      this.scanWatcher = undefined; // the sweep still notices added and removed services
    }
  }

  private schedule(): void {
    this.gather ??= setTimeout(() => {
      this.gather = undefined;
      this.flush();
    }, GATHER_MS);
  }

  private flush(): void {
    if (this.rescan) {
      this.rescan = false;
      try {
        this.reconcile(listServiceDirs(this.scanDir));
      } catch {
        // the scan directory went away for a moment: keep what we have
      }
    }
    for (const name of this.dirty) this.refresh(name);
    this.dirty.clear();
    for (const name of this.logDirty) {
      const t = this.tracked.get(name);
      const lines = t?.log?.update() ?? [];
      if (t && lines.length > 0) this.emit('log', name, lines);
    }
    this.logDirty.clear();
  }

  private sweepAll(): void {
    this.memo = undefined;
    this.rescan = true;
    for (const name of this.tracked.keys()) {
      this.dirty.add(name);
      this.logDirty.add(name);
    }
    this.flush();
  }

  private reconcile(entries: ServiceEntry[]): void {
    const seen = new Set(entries.map((e) => e.name));
    for (const [name, t] of this.tracked) {
      if (seen.has(name)) continue;
      for (const w of t.watchers.values()) w.close();
      this.tracked.delete(name);
      this.emit('remove', name);
    }
    const known = new Set(this.tracked.keys());
    const ordered = new Map<string, Tracked>();
    for (const entry of entries) {
      let t = this.tracked.get(entry.name);
      if (!t) {
        const view = readService(entry, this.memory);
        const history = new RestartHistory();
        history.observe(view.json);
        const log = entry.name.endsWith('/log') ? undefined : new LogFollower(logDirOf(entry.dir));
        log?.update();
        t = {
          entry,
          view,
          history,
          log,
          cells: {} as Cells,
          watchers: new Map(),
          logger: undefined,
          parent: undefined,
        };
      }
      ordered.set(entry.name, t);
      this.watchService(t);
    }
    for (const [name, t] of ordered) {
      const parent = name.endsWith('/log') ? ordered.get(name.slice(0, -4)) : undefined;
      t.parent = parent;
      if (parent) parent.logger = t;
      else if (!ordered.has(`${name}/log`)) t.logger = undefined;
    }
    for (const t of ordered.values()) if (!t.cells.state) t.cells = renderCells(t, this.control);
    this.tracked.clear();
    for (const [name, t] of ordered) this.tracked.set(name, t);
    if (this.started) for (const name of ordered.keys()) if (!known.has(name)) this.emit('add', name);
    this.started = true;
  }

  /** Watches DIR (down file, supervise/ appearing), DIR/supervise and the log directory. */
  private watchService(t: Tracked): void {
    const name = t.entry.name;
    const onStatus = (): void => {
      this.dirty.add(name);
      this.schedule();
    };
    const onLog = (_event: string, file: string | Buffer | null): void => {
      if (file !== null && String(file) !== 'current') return;
      this.logDirty.add(name);
      this.schedule();
    };
    this.ensureWatch(t, t.entry.dir, onStatus);
    this.ensureWatch(t, statusDir(t.entry.dir), onStatus);
    if (t.log) this.ensureWatch(t, t.log.file.slice(0, -'/current'.length), onLog);
  }

  private ensureWatch(t: Tracked, path: string, listener: (event: string, file: string | Buffer | null) => void): void {
    if (t.watchers.has(path)) return;
    try {
      const w = watch(path, { persistent: false }, listener);
      w.on('error', () => {
        w.close();
        t.watchers.delete(path);
      });
      t.watchers.set(path, w);
    } catch {
      // not there yet (supervise/ before svscan starts it): the directory watch or the sweep retries
    }
  }

  private refresh(name: string): void {
    const t = this.tracked.get(name);
    if (!t) return;
    this.watchService(t);
    t.view = readService(t.entry, this.memory);
    t.history.observe(t.view.json);
    const cells = renderCells(t, this.control);
    const changed: Partial<Cells> = {};
    let any = false;
    for (const key of Object.keys(cells) as (keyof Cells)[]) {
      if (!sameCell(key, t.cells[key], cells[key])) {
        changed[key] = cells[key];
        any = true;
      }
    }
    t.cells = { ...cells, uptime: sameCell('uptime', t.cells.uptime, cells.uptime) ? t.cells.uptime : cells.uptime };
    if (any) this.emit('change', name, changed);
    if (t.parent) this.refresh(t.parent.entry.name);
  }
}
