// setlock [-nNxX] FILE CHILD...: run CHILD holding an exclusive flock on FILE.
import { EXIT_OK, isFortressError } from '@fortress/core/errors';
import { getopt } from '@fortress/core/getopt';
import { program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { takeLock } from '../lock-file.js';

export const link: Link = {
  name: 'setlock',
  usage: '[ -nNxX ] file program [ arg ... ]',
  run: async (argv, env) => {
    const { options, operands, problem } = getopt(argv, 'nNxX');
    if (problem !== undefined) throw usageError(problem);
    let wait = true;
    let quiet = false;
    for (const [letter] of options) {
      if (letter === 'n' || letter === 'N') wait = letter === 'N';
      else quiet = letter === 'x';
    }
    const [file, ...child] = operands;
    if (file === undefined || child.length === 0) throw usageError();
    try {
      await takeLock(file, wait);
    } catch (err) {
      if (quiet && isFortressError(err, 'ERR_LOCK')) return EXIT_OK;
      throw err;
    }
    return chainTo('setlock', child, applyEnvChanges(env, []), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);
