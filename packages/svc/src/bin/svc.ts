// svc [-udopchaitkxq12] [-wu|-wU|-wd|-wD|-wr|-wR [-T MS]] DIR ...: sends control bytes to each
// DIR's supervise; with -w it subscribes to each DIR's events first, then waits for the state.
import { program } from '@fortress/core/program';
import { byteArgs } from '../byte-strings.js';
import { commandBytes, OPTION_LETTERS, SVC_USAGE } from '../control-letters.js';
import { sendControl } from '../send-control.js';
import { writeStderr } from '../service-files.js';
import { parseSvcArgs } from '../wait-options.js';

const USAGE = `[-${OPTION_LETTERS}] [-wu|-wU|-wd|-wD|-wr|-wR [-T ms]] dir ...`;

export const main = program('svc', USAGE, async (argv) => {
  const args = parseSvcArgs(byteArgs(argv));
  if (args === 'wait-usage') {
    writeStderr(`svc: usage: svc ${USAGE}`);
    return 100;
  }
  if ('problem' in args) {
    // 0.76's usage error: getopt's line, then the letters (not the `usage:` shape).
    writeStderr(`svc: ${args.problem}`);
    writeStderr(SVC_USAGE);
    return 100;
  }
  const commands = commandBytes(args.letters);
  const send = (): void => {
    for (const dir of args.dirs) {
      const problem = sendControl(dir, commands);
      if (problem !== undefined) writeStderr(`svc: warning: ${problem}`);
    }
  };
  if (args.target === undefined) {
    send();
    return 0; // always, as 0.76: the warnings tell which DIR failed
  }
  // Loaded only to wait: a plain svc loads no fifodir, no poll, no addon.
  const { subscribeAndWait } = await import('../wait-program.js');
  const { dirs, target, timeoutMs } = args;
  return subscribeAndWait({ prog: 'svc', dirs, target, any: false, timeoutMs, between: send });
});
