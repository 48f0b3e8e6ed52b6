// svc [-udopchaitkxq12y] [-wu|-wU|-wd|-wD|-wr|-wR [-T MS]] DIR ...: sends control bytes to each
// DIR's supervise; with -w, subscribes to each DIR's events first and then waits for the state.
import { byteArgs } from '../byte-strings.js';
import { commandBytes, OPTION_LETTERS, SVC_USAGE } from '../control-letters.js';
import { parseOptions } from '../getopt.js';
import { sendControl } from '../send-control.js';
import { writeStderr } from '../service-files.js';
import { parseTimeout, subscribeAndWait } from '../wait-program.js';
import { WAIT_TARGETS, type WaitTarget } from '../wait-services.js';

const WAIT_USAGE = 'svc: usage: svc [-udopchaitkxq12y] [-wu|-wU|-wd|-wD|-wr|-wR [-T ms]] dir ...';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  const parsed = parseOptions(byteArgs(argv), `${OPTION_LETTERS}w:T:`);
  if (parsed.illegal !== undefined) {
    writeStderr(`svc: illegal option -- ${parsed.illegal}`);
    writeStderr(SVC_USAGE);
    return 100;
  }
  let target: WaitTarget | undefined;
  let timeoutMs = -1;
  const flags: string[] = [];
  for (const { letter, value } of parsed.options) {
    if (letter === 'w') {
      if (value === undefined || value.length !== 1 || !WAIT_TARGETS.includes(value)) return waitUsage();
      target = value as WaitTarget;
    } else if (letter === 'T') {
      const ms = parseTimeout(value ?? '');
      if (ms === undefined) return waitUsage();
      timeoutMs = ms;
    } else flags.push(letter);
  }
  if (parsed.missing !== undefined) return waitUsage();
  const commands = commandBytes(flags);
  const send = (): void => {
    for (const dir of parsed.operands) {
      const problem = sendControl(dir, commands);
      if (problem !== undefined) writeStderr(`svc: warning: ${problem}`);
    }
  };
  if (target === undefined) {
    send();
    return 0; // always, as 0.76: the warnings tell which DIR failed
  }
  return subscribeAndWait({ prog: 'svc', dirs: parsed.operands, target, any: false, timeoutMs, between: send });
}

function waitUsage(): number {
  writeStderr(WAIT_USAGE);
  return 100;
}
