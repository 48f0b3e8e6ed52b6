// The order of a whole-tree stop (svscan's TERM, fortress init's stop): a service is told to stop
// only once every service that needs it (needs/, core's needs-graph.ts) is down, so nothing
// loses what it depends on while it still runs. Services in a cycle stop together. Each wait is
// bounded by the stopping service's own deadlines (timeout-kill or the grace time, then
// timeout-finish): a service that does not go down in that time holds up nothing longer.
import { type NeedsGraph, stopBlockers } from '@fortress/core/needs-graph';
import { readTimeoutFile } from '@fortress/supervise/escalation';
import type { Entry } from './entry.js';
import { stopDeadline } from './overdue.js';

/** ./finish's default time limit in supervise (timeout-finish overrides it). */
const FINISH_TIMEOUT_MS = 5000;
/** Time for a supervisor to notice its service is gone and exit, on a loaded machine. */
const EXIT_MARGIN_MS = 2000;

/** How long, from the start of its stop, ENTRY may take to go down before its needs stop anyway. */
export function stopLimit(entry: Entry, killGraceMs: number): number {
  return (
    stopDeadline(entry.dir, killGraceMs) +
    readTimeoutFile(entry.dir, 'timeout-finish', FINISH_TIMEOUT_MS) +
    EXIT_MARGIN_MS
  );
}

export interface Release {
  entry: Entry;
  /** Services that had not gone down in time but no longer hold this one up. */
  overdue: Entry[];
}

export class StopOrder {
  /** Entry → the entries that must be down before it is told to stop. */
  private readonly held = new Map<Entry, Entry[]>();
  /** Entry whose stop has begun → when its needs stop waiting for it (its files read once). */
  private readonly deadline = new Map<Entry, number>();
  private readonly isDown: (entry: Entry) => boolean;
  private readonly killGraceMs: number;

  /** GRAPH is by entry name; ENTRIES are those to stop; ISDOWN says when one's service is down. */
  constructor(graph: NeedsGraph, entries: readonly Entry[], isDown: (entry: Entry) => boolean, killGraceMs: number) {
    this.isDown = isDown;
    this.killGraceMs = killGraceMs;
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const [name, dependents] of stopBlockers(graph)) {
      const entry = byName.get(name);
      if (entry === undefined) continue;
      const blockers = dependents.map((d) => byName.get(d)).filter((e): e is Entry => e !== undefined);
      this.held.set(entry, blockers);
    }
    for (const entry of entries) if (!this.held.has(entry)) this.held.set(entry, []);
  }

  /** Entries still held back. */
  get pending(): number {
    return this.held.size;
  }

  /** Records that ENTRY's stop began (its dependents are down, or it was stopped for another reason). */
  begin(entry: Entry, now: number): void {
    if (!this.deadline.has(entry)) this.deadline.set(entry, now + stopLimit(entry, this.killGraceMs));
    this.held.delete(entry);
  }

  /** The entries whose dependents are all down now (or overdue): each is released once. */
  release(now = Date.now()): Release[] {
    const out: Release[] = [];
    for (const [entry, blockers] of this.held) {
      const overdue: Entry[] = [];
      let waiting = false;
      for (const b of blockers) {
        if (this.isDown(b)) continue;
        const deadline = this.deadline.get(b);
        if (deadline !== undefined && now > deadline) overdue.push(b);
        else waiting = true;
      }
      if (waiting) continue;
      out.push({ entry, overdue });
    }
    for (const { entry } of out) this.held.delete(entry);
    return out;
  }
}
