// fortress deps [SCANDIR] [--dot]
import { fatal, usage, warning } from '@fortress/core/errors';
import { cycleText, findCycles, type NeedsGraph, needsGraph } from '@fortress/core/needs-graph';
import { parseArgs } from '../args.js';
import { formatDot } from '../deps/dot.js';
import { readNodeState } from '../deps/service-state.js';
import { formatTree } from '../deps/tree.js';
import { defaultScanDir } from './status.js';

export const SYNOPSIS = 'deps [SCANDIR] [--dot]';

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, [], ['dot']);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  if (args.operands.length > 1) return usage('fortress', SYNOPSIS);
  const scanDir = args.operands[0] ?? defaultScanDir(env);
  let graph: NeedsGraph;
  try {
    graph = needsGraph(scanDir);
  } catch (err) {
    return fatal('fortress', `unable to read ${scanDir}`, err);
  }
  const stateOf = (name: string) => readNodeState(scanDir, name);
  process.stdout.write(args.flags.has('dot') ? formatDot(graph, stateOf) : formatTree(graph, stateOf));
  for (const cycle of findCycles(graph)) warning('fortress', `needs cycle: ${cycleText(cycle)}`);
  for (const [service, names] of graph.bad) {
    for (const name of names) warning('fortress', `${service}: ignoring needs/${name}: not a service name`);
  }
  return 0;
}
