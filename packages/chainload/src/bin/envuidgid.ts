// envuidgid ACCOUNT CHILD...: run CHILD with UID and GID set to ACCOUNT's ids.
import { fatalError, program, usageError } from '@fortress/core/program';
import { findAccount } from '../account.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';

export const main = program('envuidgid', 'account child', (argv, env) => {
  const [name, ...child] = argv;
  if (name === undefined || child.length === 0) throw usageError();
  const account = findAccount(name);
  if (!account) throw fatalError(`unknown account ${name}`);
  const changes = [
    ['GID', String(account.gid)],
    ['UID', String(account.uid)],
  ] as const;
  return chainTo('envuidgid', child, applyEnvChanges(env, changes), env['PATH']);
});
