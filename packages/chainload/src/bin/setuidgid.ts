// setuidgid ACCOUNT[:GROUP...] CHILD...: run CHILD as ACCOUNT, in this same process.

import { resolveCredentials, SwitchError, switchTo } from '../credentials.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { fatal, guard, usage } from '../report.js';

const PROG = 'setuidgid';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [spec, ...child] = argv;
  if (spec === undefined || child.length === 0) return usage(PROG, 'account child');
  const result = resolveCredentials(spec);
  if (!result.ok) return fatal(PROG, `unknown ${result.unknown} ${result.name}`);
  try {
    switchTo(result.credentials);
  } catch (err) {
    if (err instanceof SwitchError) return fatal(PROG, err.message, err.cause);
    throw err;
  }
  return chainTo(PROG, child, applyEnvChanges(env, []), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
