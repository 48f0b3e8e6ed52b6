// softlimit [-acdflmoprst n] CHILD...: lower (or raise to the hard limit) soft resource limits, then exec.
import { fatal } from '@fortress/core/errors';
import { getopt } from '@fortress/core/getopt';
import type { Rlimit } from '@fortress/core/libc';
import { program, usageError } from '@fortress/core/program';
import { RLIMIT } from '@fortress/core/rlimit';
import type { Link } from '../chain.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { loadLibc } from '../load-libc.js';
import { newSoftLimit, parseLimitValue, SOFTLIMIT_GETOPT, SOFTLIMIT_OPTIONS } from '../rlimits.js';

const USAGE =
  '[-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] [-t cpusecs] child';

export const link: Link = {
  name: 'softlimit',
  usage: USAGE,
  run: async (argv, env) => {
    const { options, operands, problem } = getopt(argv, SOFTLIMIT_GETOPT);
    if (problem !== undefined) throw usageError(problem);
    // libc bindings only once there is a limit to set.
    const libc = options.length > 0 ? await loadLibc() : undefined;
    // The limits are worked out in command-line order here but set only by the exec itself (in C):
    // a memory limit set earlier would stop this Node process (V8 reserves a lot of memory).
    const limits = new Map<number, Rlimit>();
    for (const [letter, value] of options) {
      const limit = parseLimitValue(value!);
      if (limit === undefined) throw usageError();
      for (const resource of SOFTLIMIT_OPTIONS[letter]!) {
        const number = RLIMIT[resource];
        let current = limits.get(number);
        if (current === undefined) {
          try {
            current = libc!.getrlimit(number);
          } catch (err) {
            return fatal('softlimit', 'getrlimit failed', err);
          }
        }
        limits.set(number, newSoftLimit(current, limit));
      }
    }
    if (operands.length === 0) throw usageError();
    return chainTo('softlimit', operands, applyEnvChanges(env, []), env['PATH'], [...limits]);
  },
};

export const main = program(link.name, link.usage, link.run);
