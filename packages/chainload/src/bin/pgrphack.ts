// pgrphack CHILD...: run CHILD as the leader of a new session and process group, same pid.
import { program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { loadLibc } from '../load-libc.js';

export const link: Link = {
  name: 'pgrphack',
  usage: 'child',
  run: async (argv, env) => {
    if (argv.length === 0) throw usageError();
    const { setsid } = await loadLibc();
    try {
      setsid();
    } catch {
      // As the original: already a group leader (EPERM) is harmless, and nothing else can fail.
    }
    return chainTo('pgrphack', argv, applyEnvChanges(env, []), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
