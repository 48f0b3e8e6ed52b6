// Timeouts of upstream attempts (1, 3, 11, 45 s over UDP, 10 s over TCP) under one Node timer
// instead of a setTimeout per attempt: a miss would otherwise allocate a Timeout object, link
// it into Node's lists and unlink it again when the answer comes, for every question. Each
// duration has its own queue, in which deadlines are in order (now + the same duration), so
// the earliest deadline is always at the head of one of them. An entry is cancelled by its
// owner changing its generation number; cancelled entries are dropped as they reach a head.

import { logInternalError } from './log.js';

/** What a deadline calls when it passes, if its generation is still the owner's. */
export interface Expiring {
  readonly generation: number;
  expire(): void;
}

class Queue {
  readonly owners: (Expiring | undefined)[] = [];
  readonly generations: number[] = [];
  readonly times: number[] = [];
  head = 0;

  push(owner: Expiring, at: number): void {
    this.owners.push(owner);
    this.generations.push(owner.generation);
    this.times.push(at);
  }

  /** Drops cancelled entries at the head; the head's time, or Infinity when empty. */
  headTime(): number {
    while (this.head < this.owners.length) {
      const o = this.owners[this.head]!;
      if (o.generation === this.generations[this.head]) return this.times[this.head]!;
      this.owners[this.head++] = undefined;
    }
    this.compact();
    return Number.POSITIVE_INFINITY;
  }

  /** Takes the head entry if it is due and still valid (call headTime first). */
  take(): Expiring {
    const o = this.owners[this.head]!;
    this.owners[this.head++] = undefined;
    return o;
  }

  /** Forgets the consumed part of the arrays once it is large. */
  compact(): void {
    if (this.head === this.owners.length) {
      this.owners.length = 0;
      this.generations.length = 0;
      this.times.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.owners.length) {
      this.owners.splice(0, this.head);
      this.generations.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

const queues = new Map<number, Queue>();
let timer: NodeJS.Timeout | undefined;
let timerAt = Number.POSITIVE_INFINITY;

/** Calls owner.expire() after ms milliseconds unless owner.generation has changed by then. */
export function deadline(owner: Expiring, ms: number): void {
  let q = queues.get(ms);
  if (q === undefined) {
    q = new Queue();
    queues.set(ms, q);
  }
  const at = Date.now() + ms;
  q.push(owner, at);
  if (at < timerAt) arm(at);
}

function arm(at: number): void {
  if (timer) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(sweep, Math.max(0, at - Date.now()));
}

function sweep(): void {
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  for (const q of queues.values()) {
    for (;;) {
      const t = q.headTime();
      if (t > now) {
        if (t < next) next = t;
        break;
      }
      try {
        q.take().expire();
      } catch (err) {
        // One expiry's bug must not stop the sweep (the other deadlines would never fire).
        logInternalError('timeout', err);
      }
    }
    q.compact();
  }
  // An expiry may have armed the timer already (a new deadline); otherwise arm for the next.
  if (next < timerAt) arm(next);
}
