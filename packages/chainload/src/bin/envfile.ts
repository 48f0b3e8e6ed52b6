// envfile FILE CHILD...: run CHILD with the variables of a dotenv-style FILE (read on every start).
import { FortressError, isFortressError } from '@fortress/core/errors';
import { fatalError, program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { parseEnvFile } from '../envfile.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { readNow } from '../read-now.js';

export const link: Link = {
  name: 'envfile',
  usage: 'file child',
  run: (argv, env) => {
    const [file, ...child] = argv;
    if (file === undefined || child.length === 0) throw usageError();
    let text: string;
    try {
      text = readNow(file).toString('utf8');
    } catch (err) {
      throw fatalError(`unable to read ${file}`, err);
    }
    let changes: ReturnType<typeof parseEnvFile>;
    try {
      changes = parseEnvFile(text);
    } catch (err) {
      if (!isFortressError(err, 'ERR_ENVFILE_SYNTAX')) throw err;
      throw new FortressError(err.code, `unable to parse ${file}: ${err.text}`, undefined, err.exitCode);
    }
    return chainTo('envfile', child, applyEnvChanges(env, changes), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
