// The graph of a scan directory's needs/ entries: who needs whom, which needed names are not
// services there, and the cycles (each found once, as one closed path through its strongly
// connected component). svscan reads it to warn and to order a stop; fortress deps to draw it.
// Builtins through getBuiltinModule: an ES import of node:fs builds its whole namespace.
import { readNeeds } from './needs.js';

const { readdirSync, statSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

export interface NeedsGraph {
  /** The services, in scan order (sorted names). */
  services: string[];
  /** Service → the services of the graph it needs, sorted. */
  needs: Map<string, string[]>;
  /** Service → needed names that are no service of the graph, sorted. */
  missing: Map<string, string[]>;
  /** Service → needs/ entries that are no names (`a/b`, `.x`), as readNeeds reports them. */
  bad: Map<string, string[]>;
}

/** One service's needs/ as readNeeds gives it. */
export type NeedsReader = (service: string) => { names: string[]; bad: string[] };

/** Names of the scan directory that are services as svscan sees them: no dot, a directory (symlinks followed). */
export function scanServices(scanDir: string): string[] {
  return readdirSync(scanDir)
    .filter((name) => !name.startsWith('.') && isDirectory(join(scanDir, name)))
    .sort();
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The graph of SERVICES, each one's needs/ read by READ. */
export function graphOf(services: readonly string[], read: NeedsReader): NeedsGraph {
  const known = new Set(services);
  const graph: NeedsGraph = { services: [...services], needs: new Map(), missing: new Map(), bad: new Map() };
  for (const service of services) {
    let found: { names: string[]; bad: string[] };
    try {
      found = read(service);
    } catch {
      found = { names: [], bad: [] };
    }
    const names = [...new Set(found.names)].sort();
    graph.needs.set(
      service,
      names.filter((n) => known.has(n)),
    );
    const missing = names.filter((n) => !known.has(n));
    if (missing.length > 0) graph.missing.set(service, missing);
    if (found.bad.length > 0) graph.bad.set(service, [...found.bad]);
  }
  return graph;
}

/** The graph of SCANDIR's services, read now. Throws only when SCANDIR itself cannot be read. */
export function needsGraph(scanDir: string): NeedsGraph {
  return graphOf(scanServices(scanDir), (service) => readNeeds(join(scanDir, service)));
}

/** Service → the services that need it, sorted. */
export function dependentsOf(graph: NeedsGraph): Map<string, string[]> {
  const out = new Map<string, string[]>(graph.services.map((s) => [s, []]));
  for (const [service, needs] of graph.needs) for (const n of needs) out.get(n)?.push(service);
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * The strongly connected components that hold a cycle (more than one service, or one that
 * needs itself), each sorted, in order of their smallest name (Tarjan's algorithm, iterative so
 * a long chain cannot overflow the stack).
 */
export function cyclicComponents(graph: NeedsGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const root of graph.services) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const edges = graph.needs.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfLoop = component.length === 1 && (graph.needs.get(member) ?? []).includes(member);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  }
  return components.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * One closed path per cyclic component, from its smallest name back to it (`[a, b, a]`): the
 * shortest such path (breadth first, names tried in order), so the same graph always says the
 * same thing.
 */
export function findCycles(graph: NeedsGraph): string[][] {
  return cyclicComponents(graph).map((component) => {
    const members = new Set(component);
    const start = component[0]!;
    const from = new Map<string, string>();
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const to of graph.needs.get(node) ?? []) {
        if (!members.has(to)) continue;
        if (to === start) {
          const back = [start];
          for (let at = node; at !== start; at = from.get(at)!) back.push(at);
          return [start, ...back.slice(1).reverse(), start];
        }
        if (!from.has(to)) {
          from.set(to, node);
          queue.push(to);
        }
      }
    }
    return [start, start]; // not reached: a cyclic component always leads back to its start
  });
}

/** `a -> b -> a`. */
export function cycleText(cycle: readonly string[]): string {
  return cycle.join(' -> ');
}

/**
 * The needs that order a stop: every edge but those inside a cycle (the services of a cycle
 * stop together, after what needs any of them). Service → the services that must be down first.
 */
export function stopBlockers(graph: NeedsGraph): Map<string, string[]> {
  const componentOf = new Map<string, number>();
  cyclicComponents(graph).forEach((members, i) => {
    for (const m of members) componentOf.set(m, i);
  });
  const sameCycle = (a: string, b: string): boolean => componentOf.has(a) && componentOf.get(a) === componentOf.get(b);
  const blockers = new Map<string, string[]>(graph.services.map((s) => [s, []]));
  for (const [service, needs] of graph.needs) {
    for (const n of needs) if (n !== service && !sameCycle(service, n)) blockers.get(n)!.push(service);
  }
  for (const list of blockers.values()) list.sort();
  return blockers;
}
