// svc [-udopchaitkxq12w] DIR ...: sends control bytes to each DIR's supervise.
import { EXIT_OK, EXIT_PERMANENT, warning, writeStderr } from '@fortress/core/errors';
import { commandBytes, OPTION_LETTERS, SVC_USAGE } from '../control-letters.js';
import { parseFlags } from '../getopt.js';
import { sendControl } from '../send-control.js';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  const parsed = parseFlags(argv, OPTION_LETTERS);
  if (parsed.illegal !== undefined) {
    writeStderr(`svc: illegal option -- ${parsed.illegal}`);
    writeStderr(SVC_USAGE);
    return EXIT_PERMANENT;
  }
  const commands = commandBytes(parsed.flags);
  for (const dir of parsed.operands) {
    const problem = sendControl(dir, commands);
    if (problem !== undefined) warning('svc', problem);
  }
  return EXIT_OK;
}
