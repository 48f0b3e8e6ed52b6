// multilog never gives up on a write while it runs: it warns, pauses and tries again, holding its
// input meanwhile. Only a SIGTERM ends that: the pause ends at once, the step is tried once more,
// and a second failure throws a FortressError (GAVE_UP), which multilog reports before it exits.
//
// Each logger has its own Pause: the standalone program's sleeps on its signal pipe (it is alone
// in its process); a logger in a shared host (host.ts) waits on a timer, so the others run on.
import { writeSync } from 'node:fs';
import { errorText, FortressError } from '@fortress/core/errors';

const PAUSE_MS = 5000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the whole process for `ms` milliseconds (the filters and the standalone program only). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** A step failed again after SIGTERM, so multilog stops instead of pausing: what a pause throws after SIGTERM (a FortressError, ERR_GAVE_UP); its text is the warning's. */
export const GAVE_UP = 'ERR_GAVE_UP';
/** The logger was killed (its host's client went away or got a fatal signal): unwind at once, write nothing more. */
export const KILLED = 'ERR_KILLED';

/** What a pause waits on: SIGTERM (which ends it), and how to sleep. */
export interface Waiter {
  readonly terminate: boolean;
  /** True once the logger must stop at once (a host's logger only). */
  readonly killed: boolean;
  /** Sleeps `ms` milliseconds, or less when SIGTERM (or a kill) comes. */
  sleep(ms: number): Promise<void>;
  /** Calls `then` when the logger is killed; returns how to stop listening (a host's logger only). */
  onKill?(then: () => void): () => void;
}

function reasonText(reason: unknown): string {
  return reason === undefined ? '' : `: ${typeof reason === 'string' ? reason : errorText(reason)}`;
}

export class Pause {
  readonly waiter: Waiter;
  /** Where warnings go (the logger's standard error). */
  readonly errFd: number;

  constructor(waiter: Waiter, errFd = 2) {
    this.waiter = waiter;
    this.errFd = errFd;
  }

  /** Calls `then` if the logger is killed; returns how to stop listening. */
  onKill(then: () => void): () => void {
    return this.waiter.onKill?.(then) ?? (() => {});
  }

  /** Throws KILLED when the logger has been killed: called after every wait. */
  checkAlive(): void {
    if (this.waiter.killed) throw new FortressError(KILLED, 'killed');
  }

  /** `multilog: warning: TEXT[: ERR]` on this logger's standard error. */
  warn(text: string, err?: unknown): void {
    this.writeLine(`multilog: warning: ${text}${err === undefined ? '' : `: ${errorText(err)}`}\n`);
  }

  writeLine(text: string): void {
    const line = Buffer.from(text);
    let done = 0;
    while (done < line.length) {
      try {
        done += writeSync(this.errFd, line, done);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') break;
        sleepSync(2);
      }
    }
  }

  /**
   * `multilog: warning: TEXT, pausing: REASON` then a 5-second pause. REASON is djb's text for an
   * error, or the string given; without one the line ends at `pausing`. After SIGTERM: GAVE_UP.
   */
  async after(text: string, reason?: unknown): Promise<void> {
    this.checkAlive();
    const why = reasonText(reason);
    if (this.waiter.terminate) throw new FortressError(GAVE_UP, `${text}${why}`);
    this.writeLine(`multilog: warning: ${text}, pausing${why}\n`);
    await this.waiter.sleep(PAUSE_MS);
    this.checkAlive();
  }

  /** Runs `attempt` until it succeeds, pausing after each failure with the warning `text`. */
  async persist<T>(text: string, attempt: () => T): Promise<T> {
    for (;;) {
      try {
        return attempt();
      } catch (err) {
        await this.after(text, err);
      }
    }
  }
}
