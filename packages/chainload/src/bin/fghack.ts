// fghack CHILD...: run CHILD, which puts itself in the background, and wait until it and every
// descendant that kept fghack's pipe are gone.

import { FghackError, runInForeground } from '../fghack.js';
import { fatal, guard, usage } from '../report.js';

const PROG = 'fghack';
const STEP_TEXT = { pipe: 'unable to create pipe', fork: 'unable to fork', wait: 'wait failed' } as const;

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length === 0) return usage(PROG, 'child');
  const envp = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  let end: Awaited<ReturnType<typeof runInForeground>>;
  try {
    end = await runInForeground(argv, envp, env['PATH']);
  } catch (err) {
    if (!(err instanceof FghackError)) throw err;
    const text = err.step === 'run' ? `unable to run ${argv[0]}` : STEP_TEXT[err.step];
    return fatal(PROG, text, err.cause);
  }
  return end.crashed ? fatal(PROG, 'child crashed') : end.code;
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
