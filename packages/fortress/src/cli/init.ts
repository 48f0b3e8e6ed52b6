// fortress init SCANDIR [-- CMD ARGS...]: a container's PID 1 (see init/run-init.ts).
// fortress init --prepare SCANDIR: at image build time, the state links of a read-only scan
// directory (see init/run-dir.ts).
import { FortressError, usage, writeStderr } from '@fortress/core/errors';
import { ERR_USAGE } from '@fortress/core/program';
import { parseInitOptions, parsePrepareOptions, USAGE } from '../init/options.js';
import { prepareScanDir } from '../init/run-dir.js';
import { runInit } from '../init/run-init.js';

const { writeSync } = process.getBuiltinModule('node:fs');

export const SYNOPSIS = USAGE;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const preparing = argv[0] === '--prepare';
  let parsed: ReturnType<typeof parseInitOptions> | ReturnType<typeof parsePrepareOptions>;
  try {
    parsed = preparing ? parsePrepareOptions(argv.slice(1), env) : parseInitOptions(argv, env);
  } catch (err) {
    if (!(err instanceof FortressError) || err.code !== ERR_USAGE) throw err;
    writeStderr(`fortress: ${err.text}`);
    return usage('fortress', SYNOPSIS);
  }
  if (!('command' in parsed)) return prepare(parsed.scanDir, parsed.runDir);
  const code = await runInit(parsed);
  // Readers of services' pipes and the like may still hold the loop: the stop is complete.
  process.exit(code);
}

// Synchronous: the lines made so far are out before a fatal error ends the program.
function writeStdout(text: string): void {
  writeSync(1, text);
}

function prepare(scanDir: string, runDir: string): number {
  prepareScanDir(scanDir, runDir, ({ link, target }) => writeStdout(`${link} -> ${target}\n`));
  return 0;
}
