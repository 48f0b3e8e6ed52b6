// envfile FILE CHILD...: run CHILD with the variables of a dotenv-style FILE (read on every start).

import { EnvFileSyntaxError, parseEnvFile } from '../envfile.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { readNow } from '../read-now.js';
import { EXIT_PERMANENT, fatal, guard, usage } from '../report.js';

const PROG = 'envfile';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...child] = argv;
  if (file === undefined || child.length === 0) return usage(PROG, 'file child');
  let text: string;
  try {
    text = readNow(file).toString('utf8');
  } catch (err) {
    return fatal(PROG, `unable to read ${file}`, err);
  }
  let changes: ReturnType<typeof parseEnvFile>;
  try {
    changes = parseEnvFile(text);
  } catch (err) {
    if (err instanceof EnvFileSyntaxError)
      return fatal(PROG, `unable to parse ${file}: ${err.message}`, undefined, EXIT_PERMANENT);
    throw err;
  }
  return chainTo(PROG, child, applyEnvChanges(env, changes), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
