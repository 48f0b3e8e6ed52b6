// svwait [-u|-U|-d|-D|-r|-R] [-a|-o] [-T MS] DIR ...: waits until the services reach a state,
// as s6-svwait: subscribed to their events, never polling.
import { byteArgs } from '../byte-strings.js';
import { parseOptions } from '../getopt.js';
import { writeStderr } from '../service-files.js';
import { parseTimeout, subscribeAndWait } from '../wait-program.js';
import type { WaitTarget } from '../wait-services.js';

const USAGE = 'svwait: usage: svwait [-u|-U|-d|-D|-r|-R] [-a|-o] [-T ms] dir ...';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  const parsed = parseOptions(byteArgs(argv), 'uUdDrRaoT:');
  if (parsed.illegal !== undefined || parsed.missing !== undefined) return usage();
  let target: WaitTarget = 'u';
  let any = false;
  let timeoutMs = -1;
  for (const { letter, value } of parsed.options) {
    if (letter === 'a') any = false;
    else if (letter === 'o') any = true;
    else if (letter === 'T') {
      const ms = parseTimeout(value ?? '');
      if (ms === undefined) return usage();
      timeoutMs = ms;
    } else target = letter as WaitTarget;
  }
  if (parsed.operands.length === 0) return 0; // nothing to wait for, as s6-svwait
  return subscribeAndWait({ prog: 'svwait', dirs: parsed.operands, target, any, timeoutMs });
}

function usage(): number {
  writeStderr(USAGE);
  return 100;
}
