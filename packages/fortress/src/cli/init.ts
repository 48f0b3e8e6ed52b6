// fortress init SCANDIR [-- CMD ARGS...]: a container's PID 1 (see init/run-init.ts).
import { parseInitOptions, USAGE } from '../init/options.js';
import { runInit } from '../init/run-init.js';

export const SYNOPSIS = USAGE;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const code = await runInit(parseInitOptions(argv, env));
  // Readers of services' pipes and the like may still hold the loop: the stop is complete.
  process.exit(code);
}
