// envfile FILE CHILD...: run CHILD with the variables of a dotenv-style FILE (read on every start).
import { EXIT_PERMANENT, fatal } from '@fortress/core/errors';
import { program, usageError } from '@fortress/core/program';
import { EnvFileSyntaxError, parseEnvFile } from '../envfile.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { fs } from '../node-fs.js';

export const main = program('envfile', 'file child', (argv, env) => {
  const [file, ...child] = argv;
  if (file === undefined || child.length === 0) throw usageError();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return fatal('envfile', `unable to read ${file}`, err);
  }
  let changes: ReturnType<typeof parseEnvFile>;
  try {
    changes = parseEnvFile(text);
  } catch (err) {
    if (!(err instanceof EnvFileSyntaxError)) throw err;
    return fatal('envfile', `unable to parse ${file}: ${err.message}`, undefined, EXIT_PERMANENT);
  }
  return chainTo('envfile', child, applyEnvChanges(env, changes), env['PATH']);
});
