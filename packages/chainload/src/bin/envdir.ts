// envdir DIR CHILD...: run CHILD with the variables the files in DIR give.
import { program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { EnvDirError, readEnvDir } from '../envdir.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
// Bytes in the message (a name that is not UTF-8) are written as they are.
import { fatal } from '../report.js';

const EXIT_USAGE = 111; // envdir's usage error is 111, unlike the other programs

export const link: Link = {
  name: 'envdir',
  usage: 'dir child',
  run: (argv, env) => {
    const [dir, ...child] = argv;
    if (dir === undefined || child.length === 0) throw usageError(undefined, EXIT_USAGE);
    let changes: ReturnType<typeof readEnvDir>;
    try {
      changes = readEnvDir(dir);
    } catch (err) {
      if (err instanceof EnvDirError) return fatal('envdir', err.text, err.cause);
      throw err;
    }
    // The child is searched in the caller's PATH, not one the directory sets (as pathexec_run).
    return chainTo('envdir', child, applyEnvChanges(env, changes), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
