// fghack CHILD...: run CHILD, which puts itself in the background, and wait until it and every
// descendant that kept fghack's pipe are gone.

import { fatalError, program, usageError } from '@fortress/core/program';
import { runInForeground } from '../fghack.js';

export const main = program('fghack', 'child', async (argv, env) => {
  if (argv.length === 0) throw usageError();
  const envp = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const end = await runInForeground(argv, envp, env['PATH']);
  if (end.crashed) throw fatalError('child crashed');
  return end.code;
});
