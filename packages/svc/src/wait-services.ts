// Waiting for services to reach a state, pushed not polled (DESIGN.md decision 12), as s6-svwait:
// subscribe to each DIR/event fifodir first, let the caller send its commands, read each
// service's status once (a state already reached ends the wait at once), then sleep in poll(2)
// on the subscriptions' FIFOs and on a write end of each DIR/supervise/ok: when the supervisor
// goes away, the kernel reports POLLERR there (no reader left), so a SIGKILLed supervise is
// noticed at once too, with no `x` event.
import { FortressError } from '@fortress/core/errors';
import { EVENT_DIR, Subscription } from '@fortress/core/fifodir';
import { poll } from '@fortress/core/libc';
import { inspectService, supervisorRecorded } from '@fortress/core/service-inspect';

const { closeSync, constants, openSync } = process.getBuiltinModule('node:fs');

import type { WaitTarget } from './wait-options.js';

export { WAIT_TARGETS, type WaitTarget } from './wait-options.js';

export type WaitOutcome =
  /** Every service (with `any`: one) reached the state. */
  | { kind: 'reached' }
  | { kind: 'timeout' }
  /** A supervisor exited or died before its service got there. */
  | { kind: 'gone'; dir: string }
  /** Services meant to come up failed permanently instead (`O`). */
  | { kind: 'failed'; dirs: string[] };

/** Where a waited-on service stands. */
type Progress = 'waiting' | 'reached' | 'failed' | 'gone';

/** Why a subscription failed: its supervisor is not running (no cause), or the error. */
export const ERR_NOT_RUNNING = 'ERR_NOT_RUNNING';
export const ERR_SUBSCRIBE = 'ERR_SUBSCRIBE';

interface Watch {
  dir: string;
  subscription: Subscription;
  /** A write end of DIR/supervise/ok: POLLERR once no supervisor holds it. */
  okFd: number;
  progress: Progress;
}

const POLLIN = 0x1;
const POLLERR = 0x8;
const POLLHUP = 0x10;

/** What each event byte does to a waiter for TARGET; undefined: nothing. */
export function eventEffect(target: WaitTarget, event: string): Progress | undefined {
  if (event === 'x') return 'gone';
  switch (target) {
    case 'u':
    case 'r':
      if (event === 'u' || event === 'U') return 'reached';
      return event === 'O' ? 'failed' : undefined;
    case 'U':
    case 'R':
      if (event === 'U') return 'reached';
      return event === 'O' ? 'failed' : undefined;
    case 'd':
      return event === 'd' || event === 'D' ? 'reached' : undefined;
    case 'D':
      return event === 'D' ? 'reached' : undefined;
  }
}

/**
 * Where DIR stands now, from its status files, for the targets that are states (u U d D);
 * r and R wait for an event that happens after the subscription, whatever the state.
 */
export function statusProgress(dir: string, target: WaitTarget): Progress {
  if (target === 'r' || target === 'R') return 'waiting';
  const seen = inspectService(dir);
  if (seen.state !== 'up' && seen.state !== 'down') return 'waiting';
  const extra = seen.extra as (typeof seen.extra & { state?: string; ready?: boolean }) | null;
  const failed = extra?.state === 'failed';
  // A oneshot that succeeded (state done) is as up and ready as it will ever be.
  const done = extra?.state === 'done';
  switch (target) {
    case 'u':
      return seen.state === 'up' || done ? 'reached' : failed ? 'failed' : 'waiting';
    case 'U':
      return (seen.state === 'up' && extra?.ready === true) || done ? 'reached' : failed ? 'failed' : 'waiting';
    case 'd':
      return seen.state === 'down' ? 'reached' : 'waiting';
    case 'D':
      // No status.json to go by while fortress's supervise is between its two writes (the 18-byte
      // status says down, status.json still the run before): ./finish may be starting; its event follows.
      if (seen.state !== 'down') return 'waiting';
      if (extra === null) return supervisorRecorded(dir) ? 'waiting' : 'reached';
      return extra.state !== 'finishing' ? 'reached' : 'waiting';
  }
}

/**
 * Subscribes to the events of every DIR (throws a FortressError whose `path` is DIR, after undoing
 * what it did: ERR_SUBSCRIBE, or ERR_NOT_RUNNING with no cause). Then call
 * `wait()` on the result, and `close()` in the end.
 */
export class ServiceWaiter {
  readonly #watches: Watch[] = [];
  readonly #target: WaitTarget;

  constructor(dirs: readonly string[], target: WaitTarget) {
    this.#target = target;
    try {
      for (const dir of dirs) this.#watches.push(watch(dir));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * Waits until every service (ANY: one of them) reached the target, at most TIMEOUTMS
   * (negative: no limit). Blocks this thread in poll(2): meant for a program whose only job is
   * to wait.
   */
  wait(any: boolean, timeoutMs: number): WaitOutcome {
    const deadline = timeoutMs < 0 ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs;
    for (const w of this.#watches) {
      // Events that came since the subscription first, then the status: a state reached
      // before the subscription shows in the status, one reached after it in the events.
      this.#feed(w);
      if (w.progress === 'waiting') w.progress = statusProgress(w.dir, this.#target);
    }
    const fds = Buffer.alloc(8 * this.#watches.length * 2);
    for (;;) {
      const outcome = this.#outcome(any);
      if (outcome) return outcome;
      const left = deadline - performance.now();
      if (left <= 0) return { kind: 'timeout' };
      const pending = this.#watches.filter((w) => w.progress === 'waiting');
      pending.forEach((w, i) => {
        fds.writeInt32LE(w.subscription.fd, 16 * i);
        fds.writeInt16LE(POLLIN, 16 * i + 4);
        fds.writeInt16LE(0, 16 * i + 6);
        fds.writeInt32LE(w.okFd, 16 * i + 8);
        fds.writeInt16LE(0, 16 * i + 12); // no events asked: POLLERR and POLLHUP come anyway
        fds.writeInt16LE(0, 16 * i + 14);
      });
      const ms = Number.isFinite(left) ? Math.min(Math.ceil(left), 2 ** 31 - 1) : -1;
      try {
        poll(fds, pending.length * 2, ms);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINTR') throw err;
        continue;
      }
      pending.forEach((w, i) => {
        if (fds.readInt16LE(16 * i + 6) !== 0) this.#feed(w);
        if (w.progress === 'waiting' && (fds.readInt16LE(16 * i + 14) & (POLLERR | POLLHUP)) !== 0) {
          this.#feed(w); // the last events the supervisor sent before it went
          if (w.progress === 'waiting') w.progress = 'gone';
        }
      });
    }
  }

  #feed(w: Watch): void {
    for (const event of w.subscription.read()) {
      if (w.progress !== 'waiting') return;
      w.progress = eventEffect(this.#target, event) ?? 'waiting';
    }
  }

  #outcome(any: boolean): WaitOutcome | undefined {
    const all = this.#watches;
    if (all.length === 0) return { kind: 'reached' };
    if (any) {
      if (all.some((w) => w.progress === 'reached')) return { kind: 'reached' };
      if (all.some((w) => w.progress === 'waiting')) return undefined;
    } else {
      const gone = all.find((w) => w.progress === 'gone');
      if (gone) return { kind: 'gone', dir: gone.dir };
      if (all.some((w) => w.progress === 'waiting')) return undefined;
    }
    const failed = all.filter((w) => w.progress === 'failed').map((w) => w.dir);
    if (failed.length > 0) return { kind: 'failed', dirs: failed };
    if (!any) return { kind: 'reached' };
    return { kind: 'gone', dir: all.find((w) => w.progress === 'gone')!.dir };
  }

  close(): void {
    for (const w of this.#watches.splice(0)) {
      w.subscription.close();
      closeSync(w.okFd);
    }
  }
}

function watch(dir: string): Watch {
  let subscription: Subscription;
  try {
    subscription = Subscription.subscribe(`${dir}/${EVENT_DIR}`);
  } catch (err) {
    throw new FortressError(ERR_SUBSCRIBE, `unable to subscribe to events for ${dir}`, err, undefined, { path: dir });
  }
  try {
    const okFd = openSync(`${dir}/supervise/ok`, constants.O_WRONLY | constants.O_NONBLOCK);
    return { dir, subscription, okFd, progress: 'waiting' };
  } catch (err) {
    subscription.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENXIO' || code === 'ENOENT')
      throw new FortressError(ERR_NOT_RUNNING, `supervise not running on ${dir}`, undefined, undefined, { path: dir });
    throw new FortressError(ERR_SUBSCRIBE, `unable to open ${dir}/supervise/ok`, err, undefined, { path: dir });
  }
}
