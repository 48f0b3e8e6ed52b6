// pgrphack CHILD...: run CHILD as the leader of a new session and process group, same pid.

import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { loadLibc } from '../load-libc.js';
import { guard, usage } from '../report.js';

const PROG = 'pgrphack';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length === 0) return usage(PROG, 'child');
  const { setsid } = await loadLibc();
  try {
    setsid();
  } catch {
    // As the original: already a group leader (EPERM) is harmless, and nothing else can fail.
  }
  return chainTo(PROG, argv, applyEnvChanges(env, []), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
