// setlock [-nNxX] FILE CHILD...: run CHILD holding an exclusive flock on FILE.

import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { getopt } from '../getopt.js';
import { LockError, takeLock } from '../lock-file.js';
import { EXIT_OK, fatal, guard, usage, writeStderr } from '../report.js';

const PROG = 'setlock';
const USAGE = '[ -nNxX ] file program [ arg ... ]';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = getopt(argv, 'nNxX');
  if ('error' in parsed) {
    await writeStderr(`${PROG}: ${parsed.error}`);
    return usage(PROG, USAGE);
  }
  let wait = true;
  let quiet = false;
  for (const { letter } of parsed.options) {
    if (letter === 'n') wait = false;
    else if (letter === 'N') wait = true;
    else if (letter === 'x') quiet = true;
    else quiet = false;
  }
  const [file, ...child] = parsed.rest;
  if (file === undefined || child.length === 0) return usage(PROG, USAGE);
  try {
    await takeLock(file, wait);
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    return quiet ? EXIT_OK : await fatal(PROG, `${err.message} ${file}`, err.cause);
  }
  return chainTo(PROG, child, applyEnvChanges(env, []), env['PATH']);
}

export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return guard(PROG, () => run(argv, env));
}
