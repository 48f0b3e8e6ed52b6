// svc [-udopchaitkxq12] DIR ...: sends control bytes to each DIR's supervise.
import { getopt } from '@fortress/core/getopt';
import { program } from '@fortress/core/program';
import { byteArgs } from '../byte-strings.js';
import { commandBytes, OPTION_LETTERS, SVC_USAGE } from '../control-letters.js';
import { sendControl } from '../send-control.js';
import { writeStderr } from '../service-files.js';

export const main = program('svc', `[-${OPTION_LETTERS}] dir ...`, (argv) => {
  const { options, operands, problem } = getopt(byteArgs(argv), OPTION_LETTERS);
  if (problem !== undefined) {
    // 0.76's usage error: getopt's line, then the letters (not the `usage:` shape).
    writeStderr(`svc: ${problem}`);
    writeStderr(SVC_USAGE);
    return 100;
  }
  const commands = commandBytes(options.map(([letter]) => letter));
  for (const dir of operands) {
    const problem = sendControl(dir, commands);
    if (problem !== undefined) writeStderr(`svc: warning: ${problem}`);
  }
  return 0; // always, as 0.76: the warnings tell which DIR failed
});
