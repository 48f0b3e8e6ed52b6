// What svscan says about the needs/ graph of its scan directory: each cycle, each needed name
// that is no service there, each needs/ entry that is no name; once, when it appears (again
// if it goes away and comes back). supervise leaves the services of a cycle waiting; nothing
// else is held up by them.

import { readNeeds } from '@fortress/core/needs';
import { cycleText, findCycles, graphOf, type NeedsGraph } from '@fortress/core/needs-graph';
import type { Entry } from './entry.js';
import type { Events } from './events.js';

const { statSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

/**
 * The graph of ENTRIES by their names. A needed name that is another name (a symlink) of a
 * known entry's directory counts as that entry.
 */
export function entriesGraph(scanDir: string, entries: readonly Entry[]): NeedsGraph {
  const names = new Set(entries.map((e) => e.name));
  const byKey = new Map(entries.map((e) => [e.key, e.name]));
  const canonical = (name: string): string => {
    if (names.has(name)) return name;
    try {
      const st = statSync(join(scanDir, name), { bigint: true });
      return byKey.get(`${st.dev}:${st.ino}`) ?? name;
    } catch {
      return name;
    }
  };
  const dirOf = new Map(entries.map((e) => [e.name, e.dir]));
  return graphOf([...names].sort(), (name) => {
    const { names: needed, bad } = readNeeds(dirOf.get(name)!);
    return { names: needed.map(canonical), bad };
  });
}

/** The warnings a graph calls for, each a line of text. */
export function needsProblems(graph: NeedsGraph): string[] {
  const out: string[] = [];
  for (const cycle of findCycles(graph)) out.push(`needs cycle: ${cycleText(cycle)}`);
  for (const [service, names] of graph.missing) {
    for (const name of names) out.push(`${service} needs missing service ${name}`);
  }
  for (const [service, names] of graph.bad) {
    for (const name of names) out.push(`${service}: ignoring needs/${name}: not a service name`);
  }
  return out;
}

export class NeedsWarnings {
  private said = new Set<string>();
  private readonly events: Events;

  constructor(events: Events) {
    this.events = events;
  }

  /** Warns of the problems of GRAPH not warned of at the last check. */
  check(graph: NeedsGraph): void {
    const now = new Set(needsProblems(graph));
    for (const text of now) if (!this.said.has(text)) this.events.warn(text, { kind: 'needs' });
    this.said = now;
  }
}
