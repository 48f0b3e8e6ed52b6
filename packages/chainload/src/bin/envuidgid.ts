// envuidgid ACCOUNT CHILD...: run CHILD with UID and GID set to ACCOUNT's ids.
import { fatalError, program, usageError } from '@fortress/core/program';
import { findAccount } from '../account.js';
import type { Link } from '../chain.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';

export const link: Link = {
  name: 'envuidgid',
  usage: 'account child',
  run: (argv, env) => {
    const [name, ...child] = argv;
    if (name === undefined || child.length === 0) throw usageError();
    const account = findAccount(name);
    if (!account) throw fatalError(`unknown account ${name}`);
    const changes = [
      ['GID', String(account.gid)],
      ['UID', String(account.uid)],
    ] as const;
    return chainTo('envuidgid', child, applyEnvChanges(env, changes), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
