// permafailon SECS COUNT EVENTS PROG...: for ./finish, as s6-permafailon. When ./run died COUNT
// times or more in the last SECS seconds in one of EVENTS (death-events.ts), says so and exits
// 125, which tells supervise the service failed permanently; otherwise runs PROG in its place.
import { readDeathTally, signalName } from '@fortress/core/death-tally';
import { program, usageError } from '@fortress/core/program';
import type { Link } from '../chain.js';
import { parseLimits, triggeringDeath } from '../death-events.js';
import { applyEnvChanges } from '../environment.js';
import { chainTo } from '../exec.js';
import { fatal, writeStderr } from '../report.js';

const PROG = 'permafailon';
const USAGE = 'seconds count events program [ arg ... ]';
/** ./finish exiting with this tells supervise (and s6-supervise) not to restart the service. */
export const EXIT_PERMANENT_FAILURE = 125;

export const link: Link = {
  name: PROG,
  usage: USAGE,
  run: async (argv, env) => {
    const [secondsText, countText, list, ...child] = argv;
    if (list === undefined || child.length === 0) throw usageError();
    const limits = parseLimits(secondsText!, countText!, list);
    if (typeof limits === 'string') return fatal(PROG, limits, undefined, 100);
    const { seconds, count, events } = limits;
    const tally = readDeathTally('.');
    if (!tally.ok) {
      await writeStderr(`${PROG}: warning: unable to read supervise/death_tally: ${await reason(tally.code)}`);
    } else {
      const death = triggeringDeath(tally.deaths, events, seconds, count, Date.now() / 1000);
      if (death) {
        const how = death.signal === null ? `exit code ${death.code}` : `signal ${signalName(death.signal)}`;
        await writeStderr(
          `${PROG}: info: permanent failure: ${countText} deaths in the last ${seconds} seconds, the last with ${how}`,
        );
        return EXIT_PERMANENT_FAILURE;
      }
    }
    return chainTo(PROG, child, applyEnvChanges(env, []), env['PATH']);
  },
};

export const main = program(link.name, link.usage, link.run);

async function reason(code: string): Promise<string> {
  if (code === 'BADFORMAT') return 'bad format';
  const { errorText } = await import('@fortress/core/error-text');
  return errorText({ code });
}
