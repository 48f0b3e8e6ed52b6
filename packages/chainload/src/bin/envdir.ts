// envdir DIR CHILD...: run CHILD with the variables the files in DIR give.

import { EnvDirError, readEnvDir } from '../envdir.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { fatal, guard, usage } from '../report.js';

const PROG = 'envdir';
const EXIT_USAGE = 111; // envdir's usage error is 111, unlike the other programs

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [dir, ...child] = argv;
  if (dir === undefined || child.length === 0) return usage(PROG, 'dir child', EXIT_USAGE);
  let changes: ReturnType<typeof readEnvDir>;
  try {
    changes = readEnvDir(dir);
  } catch (err) {
    if (err instanceof EnvDirError) return fatal(PROG, err.text, err.cause);
    throw err;
  }
  // The child is searched in the caller's PATH, not one the directory sets (as pathexec_run).
  return chainTo(PROG, child, applyEnvChanges(env, changes), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
