// svc [-udopchaitkxq12] [-wu|-wU|-wd|-wD|-wr|-wR [-T MS]] DIR ...: sends control bytes to each
// DIR's supervise; with -w it subscribes to each DIR's events first, then waits for the state.
import { getopt } from '@fortress/core/getopt';
import { program } from '@fortress/core/program';
import { byteArgs } from '../byte-strings.js';
import { commandBytes, OPTION_LETTERS, SVC_USAGE } from '../control-letters.js';
import { sendControl } from '../send-control.js';
import { writeStderr } from '../service-files.js';
import { parseTimeout, WAIT_TARGETS, type WaitTarget } from '../wait-options.js';

const USAGE = `[-${OPTION_LETTERS}] [-wu|-wU|-wd|-wD|-wr|-wR [-T ms]] dir ...`;

export const main = program('svc', USAGE, async (argv) => {
  const { options, operands, problem } = getopt(byteArgs(argv), `${OPTION_LETTERS}w:T:`);
  if (problem !== undefined) {
    // 0.76's usage error: getopt's line, then the letters (not the `usage:` shape).
    writeStderr(`svc: ${problem}`);
    writeStderr(SVC_USAGE);
    return 100;
  }
  let target: WaitTarget | undefined;
  let timeoutMs = -1;
  const letters: string[] = [];
  for (const [letter, value = ''] of options) {
    if (letter === 'w') {
      if (value.length !== 1 || !WAIT_TARGETS.includes(value)) return waitUsage();
      target = value as WaitTarget;
    } else if (letter === 'T') {
      const ms = parseTimeout(value);
      if (ms === undefined) return waitUsage();
      timeoutMs = ms;
    } else letters.push(letter);
  }
  const commands = commandBytes(letters);
  const send = (): void => {
    for (const dir of operands) {
      const problem = sendControl(dir, commands);
      if (problem !== undefined) writeStderr(`svc: warning: ${problem}`);
    }
  };
  if (target === undefined) {
    send();
    return 0; // always, as 0.76: the warnings tell which DIR failed
  }
  // Loaded only to wait: a plain svc loads no fifodir, no poll, no addon.
  const { subscribeAndWait } = await import('../wait-program.js');
  return subscribeAndWait({ prog: 'svc', dirs: operands, target, any: false, timeoutMs, between: send });
});

function waitUsage(): number {
  writeStderr(`svc: usage: svc ${USAGE}`);
  return 100;
}
