// envuidgid ACCOUNT CHILD...: run CHILD with UID and GID set to ACCOUNT's ids.

import { findAccount } from '../account.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { fatal, guard, usage } from '../report.js';

const PROG = 'envuidgid';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...child] = argv;
  if (name === undefined || child.length === 0) return usage(PROG, 'account child');
  const account = findAccount(name);
  if (!account) return fatal(PROG, `unknown account ${name}`);
  const changes = [
    ['GID', String(account.gid)],
    ['UID', String(account.uid)],
  ] as const;
  return chainTo(PROG, child, applyEnvChanges(env, changes), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
