// svwait [-u|-U|-d|-D|-r|-R] [-a|-o] [-T MS] DIR ...: waits until the services reach a state,
// as s6-svwait: subscribed to their events, never polling.
import { getopt } from '@fortress/core/getopt';
import { program, usageError } from '@fortress/core/program';
import { byteArgs } from '../byte-strings.js';
import { parseTimeout, subscribeAndWait } from '../wait-program.js';
import type { WaitTarget } from '../wait-services.js';

export const main = program('svwait', '[-u|-U|-d|-D|-r|-R] [-a|-o] [-T ms] dir ...', (argv) => {
  const { options, operands, problem } = getopt(byteArgs(argv), 'uUdDrRaoT:');
  if (problem !== undefined) throw usageError(problem);
  let target: WaitTarget = 'u';
  let any = false;
  let timeoutMs = -1;
  for (const [letter, value = ''] of options) {
    if (letter === 'a') any = false;
    else if (letter === 'o') any = true;
    else if (letter === 'T') {
      const ms = parseTimeout(value);
      if (ms === undefined) throw usageError(`bad timeout -- ${value}`);
      timeoutMs = ms;
    } else target = letter as WaitTarget;
  }
  if (operands.length === 0) return 0; // nothing to wait for, as s6-svwait
  return subscribeAndWait({ prog: 'svwait', dirs: operands, target, any, timeoutMs });
});
