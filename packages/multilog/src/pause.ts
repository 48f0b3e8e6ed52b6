// multilog never gives up on a write: it warns, sleeps and tries again, blocking its input meanwhile.
import { writeSync } from 'node:fs';
import { errorText } from '@fortress/core/errors';

const PAUSE_MS = 5000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the whole process for `ms` milliseconds (signals wait too, as in the original). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * `multilog: warning: TEXT, pausing: REASON` then a 5-second pause. REASON is djb's text for an
 * error, or the string given; without one the line ends at `pausing`.
 */
export function pauseAfter(text: string, reason?: unknown): void {
  const why = reason === undefined ? '' : `: ${typeof reason === 'string' ? reason : errorText(reason)}`;
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
  sleepSync(PAUSE_MS);
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
