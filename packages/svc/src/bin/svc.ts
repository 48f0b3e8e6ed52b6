// svc [-udopchaitkxq12w] DIR ...: sends control bytes to each DIR's supervise.
import { byteArgs } from '../byte-strings.js';
import { commandBytes, OPTION_LETTERS, SVC_USAGE } from '../control-letters.js';
import { parseFlags } from '../getopt.js';
import { sendControl } from '../send-control.js';
import { writeStderr } from '../service-files.js';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  const parsed = parseFlags(byteArgs(argv), OPTION_LETTERS);
  if (parsed.illegal !== undefined) {
    writeStderr(`svc: illegal option -- ${parsed.illegal}`);
    writeStderr(SVC_USAGE);
    return 100;
  }
  const commands = commandBytes(parsed.flags);
  for (const dir of parsed.operands) {
    const problem = sendControl(dir, commands);
    if (problem !== undefined) writeStderr(`svc: warning: ${problem}`);
  }
  return 0; // always, as 0.76: the warnings tell which DIR failed
}
