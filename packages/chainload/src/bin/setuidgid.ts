// setuidgid ACCOUNT[:GROUP...] CHILD...: run CHILD as ACCOUNT, in this same process.
import { fatalError, program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { resolveCredentials, switchTo } from '../credentials.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';

export const link: Link = {
  name: 'setuidgid',
  usage: 'account child',
  run: (argv, env) => {
    const [spec, ...child] = argv;
    if (spec === undefined || child.length === 0) throw usageError();
    const result = resolveCredentials(spec);
    if (!result.ok) throw fatalError(`unknown ${result.unknown} ${result.name}`);
    switchTo(result.credentials);
    return chainTo('setuidgid', child, applyEnvChanges(env, []), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
