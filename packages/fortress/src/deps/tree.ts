// `fortress deps`: the needs/ graph as an indented tree, like `systemctl list-dependencies`.
// Each service that nothing needs is a root; under each service, what it needs, one level
// deeper. A service needed twice is shown under both; a need that closes a cycle is marked
// `(cycle)` and not followed; a need with no service directory is marked `missing`. Services
// only reachable through a cycle are roots of their own, so every service appears.
import { dependentsOf, type NeedsGraph } from '@fortress/core/needs-graph';
import { type NodeState, stateText } from './service-state.js';

const INDENT = '  ';

/** Control characters (a newline in a name) would break the lines. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\x00-\x1f\x7f]/g, '?');
}

/** The tree's lines (each ending in a newline); STATEOF gives each service's state. */
export function formatTree(graph: NeedsGraph, stateOf: (name: string) => NodeState): string {
  const dependents = dependentsOf(graph);
  const states = new Map<string, string>();
  const state = (name: string): string => {
    let text = states.get(name);
    if (text === undefined) {
      text = stateText(stateOf(name));
      states.set(name, text);
    }
    return text;
  };
  const shown = new Set<string>();
  let out = '';
  const line = (depth: number, text: string): void => {
    out += `${INDENT.repeat(depth)}${printable(text)}\n`;
  };
  const walk = (name: string, depth: number, path: Set<string>): void => {
    shown.add(name);
    line(depth, `${name}  ${state(name)}`);
    path.add(name);
    for (const need of graph.needs.get(name) ?? []) {
      if (path.has(need)) line(depth + 1, `${need}  (cycle)`);
      else walk(need, depth + 1, path);
    }
    for (const missing of graph.missing.get(name) ?? []) line(depth + 1, `${missing}  missing`);
    path.delete(name);
  };
  for (const name of graph.services) if ((dependents.get(name) ?? []).length === 0) walk(name, 0, new Set());
  for (const name of graph.services) if (!shown.has(name)) walk(name, 0, new Set());
  return out;
}
