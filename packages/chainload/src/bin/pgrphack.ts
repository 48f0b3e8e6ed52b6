// pgrphack CHILD...: run CHILD as the leader of a new session and process group, same pid.

import { applyEnvChanges, envObject } from '../environment.js';
import { chainTo } from '../exec.js';
import { guard, usage } from '../report.js';
import { loadLibc } from '../stdio-flags.js';

const PROG = 'pgrphack';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length === 0) return usage(PROG, 'child');
  const { setsid } = await loadLibc();
  try {
    setsid();
  } catch {
    // As the original: already a group leader (EPERM) is harmless, and nothing else can fail.
  }
  return chainTo(PROG, argv, envObject(applyEnvChanges(env, [])), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
