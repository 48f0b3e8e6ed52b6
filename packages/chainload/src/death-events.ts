// permafailon's event list: which deaths of ./run count. Comma-separated items: an exit code
// (0-255), a range of them (`1-3`), or a signal name with or without SIG, in any case (`TERM`,
// `SIGKILL`, `kill`), as s6-permafailon takes them. Unlike s6's, a code matches only an exit and
// a signal only a death by that signal (s6 also matches code 128+N against a death by signal N).
import { type Death, signalNumber } from '@fortress/core/death-tally';

export interface DeathEvents {
  codes: Set<number>;
  signals: Set<number>;
}

/** The events of LIST; a string naming the first bad item when it is not a valid list. */
export function parseDeathEvents(list: string): DeathEvents | string {
  const events: DeathEvents = { codes: new Set(), signals: new Set() };
  if (list === '') return events;
  for (const item of list.split(',')) {
    const range = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(item);
    if (range) {
      const low = Number(range[1]);
      const high = range[2] === undefined ? low : Number(range[2]);
      if (high > 255 || low > high) return item;
      for (let code = low; code <= high; code++) events.codes.add(code);
      continue;
    }
    const signal = /^[A-Za-z][A-Za-z0-9+-]*$/.test(item) ? signalNumber(item) : undefined;
    if (signal === undefined) return item === '' ? '(empty item)' : item;
    events.signals.add(signal);
  }
  return events;
}

export function matches(events: DeathEvents, death: Death): boolean {
  return death.signal === null ? events.codes.has(death.code ?? -1) : events.signals.has(death.signal);
}

/**
 * The death that makes COUNT matching deaths within the last SECONDS before NOWSECONDS (the
 * COUNT-th counted from the oldest), or undefined when there are fewer.
 */
export function triggeringDeath(
  deaths: readonly Death[],
  events: DeathEvents,
  seconds: number,
  count: number,
  nowSeconds: number,
): Death | undefined {
  let seen = 0;
  for (const death of deaths) {
    if (nowSeconds - death.at.seconds > seconds || !matches(events, death)) continue;
    seen++;
    if (seen >= count) return death;
  }
  return undefined;
}

/** permafailon's SECS COUNT EVENTS, checked: the limits, or the text of its fatal error (exit 100). */
export function parseLimits(
  secondsText: string,
  countText: string,
  list: string,
): { seconds: number; count: number; events: DeathEvents } | string {
  if (!/^\d{1,9}$/.test(secondsText)) return `invalid number of seconds: ${secondsText}`;
  if (!/^\d{1,9}$/.test(countText) || Number(countText) === 0) return `invalid count: ${countText}`;
  const events = parseDeathEvents(list);
  if (typeof events === 'string') return `invalid event list: ${events}`;
  return { seconds: Number(secondsText), count: Number(countText), events };
}
