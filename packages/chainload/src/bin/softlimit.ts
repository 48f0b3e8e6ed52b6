// softlimit [-acdflmoprst n] CHILD...: lower (or raise to the hard limit) soft resource limits, then exec.

import type { Rlimit } from '@fortress/core/libc';
import { RLIMIT } from '@fortress/core/rlimit';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { getopt } from '../getopt.js';
import { loadLibc } from '../load-libc.js';
import { fatal, guard, usage, writeStderr } from '../report.js';
import { newSoftLimit, parseLimitValue, SOFTLIMIT_GETOPT, SOFTLIMIT_OPTIONS } from '../rlimits.js';

const PROG = 'softlimit';
const USAGE =
  '[-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] [-t cpusecs] child';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = getopt(argv, SOFTLIMIT_GETOPT);
  if ('error' in parsed) {
    await writeStderr(`${PROG}: ${parsed.error}`);
    return usage(PROG, USAGE);
  }
  // libc bindings only once there is a limit to set.
  const libc = parsed.options.length > 0 ? await loadLibc() : undefined;
  // The limits are worked out in command-line order here but set only by the exec itself (in C):
  // a memory limit set earlier would stop this Node process (V8 reserves a lot of memory).
  const limits = new Map<number, Rlimit>();
  for (const { letter, value } of parsed.options) {
    const limit = parseLimitValue(value!);
    if (limit === undefined) return usage(PROG, USAGE);
    for (const resource of SOFTLIMIT_OPTIONS[letter]!) {
      const number = RLIMIT[resource];
      let current = limits.get(number);
      if (current === undefined) {
        try {
          current = libc!.getrlimit(number);
        } catch (err) {
          return fatal(PROG, 'getrlimit failed', err);
        }
      }
      limits.set(number, newSoftLimit(current, limit));
    }
  }
  if (parsed.rest.length === 0) return usage(PROG, USAGE);
  return chainTo(PROG, parsed.rest, applyEnvChanges(env, []), env['PATH'], [...limits]);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
