// fortress init SCANDIR [-- CMD ARGS...]: a container's PID 1 (see init/run-init.ts).
import { FortressError, usage, writeStderr } from '@fortress/core/errors';
import { ERR_USAGE } from '@fortress/core/program';
import { type InitOptions, parseInitOptions, USAGE } from '../init/options.js';
import { runInit } from '../init/run-init.js';

export const SYNOPSIS = USAGE;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options: InitOptions;
  try {
    options = parseInitOptions(argv, env);
  } catch (err) {
    if (!(err instanceof FortressError) || err.code !== ERR_USAGE) throw err;
    writeStderr(`fortress: ${err.text}`);
    return usage('fortress', SYNOPSIS);
  }
  const code = await runInit(options);
  // Readers of services' pipes and the like may still hold the loop: the stop is complete.
  process.exit(code);
}
