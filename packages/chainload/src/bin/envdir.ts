// envdir DIR CHILD...: run CHILD with the variables the files in DIR give.
import { program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { readEnvDir } from '../envdir.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';

const EXIT_USAGE = 111; // envdir's usage error is 111, unlike the other programs

export const link: Link = {
  name: 'envdir',
  usage: 'dir child',
  run: (argv, env) => {
    const [dir, ...child] = argv;
    if (dir === undefined || child.length === 0) throw usageError(undefined, EXIT_USAGE);
    // A FortressError (its bytes as they are) goes to the program layer.
    const changes = readEnvDir(dir);
    // The child is searched in the caller's PATH, not one the directory sets (as pathexec_run).
    return chainTo('envdir', child, applyEnvChanges(env, changes), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
