// `fortress deps --dot`: the needs/ graph for Graphviz (`| dot -Tsvg`). An edge goes from a
// service to what it needs; each node is labelled with its state and coloured by it; a needed
// name with no service directory is a dashed node.
import type { NeedsGraph } from '@fortress/core/needs-graph';
import { type NodeState, stateText } from './service-state.js';

const COLOURS: Record<string, string> = {
  ready: 'darkgreen',
  up: 'darkgreen',
  done: 'darkgreen',
  waiting: 'orange',
  starting: 'orange',
  backoff: 'orange',
  failed: 'red',
  unknown: 'red',
};

/** A DOT string of LINES (joined by DOT's `\n`): every character that could end or escape the quotes escaped. */
function quote(...lines: string[]): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  const escaped = (text: string): string => text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, '?');
  return `"${lines.map(escaped).join('\\n')}"`;
}

export function formatDot(graph: NeedsGraph, stateOf: (name: string) => NodeState): string {
  let out = 'digraph needs {\n  node [shape=box];\n';
  for (const name of graph.services) {
    const state = stateOf(name);
    const colour = COLOURS[state.word] ?? 'gray40';
    out += `  ${quote(name)} [label=${quote(name, stateText(state))}, color=${colour}];\n`;
  }
  const missing = new Set([...graph.missing.values()].flat());
  for (const name of [...missing].sort()) {
    out += `  ${quote(name)} [label=${quote(name, 'missing')}, style=dashed, color=red];\n`;
  }
  for (const name of graph.services) {
    for (const need of [...(graph.needs.get(name) ?? []), ...(graph.missing.get(name) ?? [])]) {
      out += `  ${quote(name)} -> ${quote(need)};\n`;
    }
  }
  return `${out}}\n`;
}
