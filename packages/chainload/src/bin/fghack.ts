// fghack CHILD...: run CHILD, which puts itself in the background, and wait until it and every
// descendant that kept fghack's pipe are gone.

import { fatalError, program, usageError } from '@fortress/core/program';
import { FghackError, runInForeground } from '../fghack.js';

const STEP_TEXT = { pipe: 'unable to create pipe', fork: 'unable to fork', wait: 'wait failed' } as const;

export const main = program('fghack', 'child', async (argv, env) => {
  if (argv.length === 0) throw usageError();
  const envp = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  let end: Awaited<ReturnType<typeof runInForeground>>;
  try {
    end = await runInForeground(argv, envp, env['PATH']);
  } catch (err) {
    if (!(err instanceof FghackError)) throw err;
    const text = err.step === 'run' ? `unable to run ${argv[0]}` : STEP_TEXT[err.step];
    throw fatalError(text, err.cause);
  }
  if (end.crashed) throw fatalError('child crashed');
  return end.code;
});
