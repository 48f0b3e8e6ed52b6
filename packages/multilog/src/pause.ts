// multilog never gives up on a write while it runs: it warns, sleeps and tries again, blocking its
// input meanwhile. Only a SIGTERM ends that: the pause ends at once, the step is tried once more,
// and a second failure throws a FortressError (GAVE_UP), which multilog reports before it exits.
import { writeSync } from 'node:fs';
import { errorText, FortressError } from '@fortress/core/errors';
import { noSignals, type Signals } from './signals.js';

const PAUSE_MS = 5000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

let signals: Signals = noSignals;

/** The signals that may end a pause (multilog's; the filters keep the default). */
export function pauseOn(watched: Signals): void {
  signals = watched;
}

/** Blocks the whole process for `ms` milliseconds. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** A step failed again after SIGTERM, so multilog stops instead of pausing: what a pause throws after SIGTERM (a FortressError, ERR_GAVE_UP); its text is the warning's. */
export const GAVE_UP = 'ERR_GAVE_UP';

function reasonText(reason: unknown): string {
  return reason === undefined ? '' : `: ${typeof reason === 'string' ? reason : errorText(reason)}`;
}

/**
 * `multilog: warning: TEXT, pausing: REASON` then a 5-second pause. REASON is djb's text for an
 * error, or the string given; without one the line ends at `pausing`. After SIGTERM: GaveUp.
 */
export function pauseAfter(text: string, reason?: unknown): void {
  const why = reasonText(reason);
  if (signals.terminate) throw new FortressError(GAVE_UP, `${text}${why}`);
  const line = Buffer.from(`multilog: warning: ${text}, pausing${why}\n`);
  let done = 0;
  // Like writeAll, inlined: write-all.ts depends on this module for its sleep.
  while (done < line.length) {
    try {
      done += writeSync(2, line, done);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') break;
      sleepSync(2);
    }
  }
  signals.sleep(PAUSE_MS);
}

/** Runs `attempt` until it succeeds, pausing after each failure with the warning `text`. */
export function persist<T>(text: string, attempt: () => T): T {
  for (;;) {
    try {
      return attempt();
    } catch (err) {
      pauseAfter(text, err);
    }
  }
}
