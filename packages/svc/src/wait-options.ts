// The options of svc -w and svwait, without the waiting code (svc loads that only to wait), and
// svc's whole command line.
import { getopt } from '@fortress/core/getopt';
import { OPTION_LETTERS } from './control-letters.js';

/** u up, U up and ready, d down, D down and ./finish done, r (re)started, R (re)started and ready. */
export type WaitTarget = 'u' | 'U' | 'd' | 'D' | 'r' | 'R';
export const WAIT_TARGETS = 'uUdDrR';

/** A -T argument: decimal milliseconds; undefined when TEXT is not one. */
export function parseTimeout(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}

/** svc's command line: the control letters in order, and what to wait for (none: no -w). */
export interface SvcArgs {
  letters: string[];
  target: WaitTarget | undefined;
  /** -T in ms; -1: no limit. */
  timeoutMs: number;
  dirs: string[];
}

/**
 * Parses svc's arguments (byte strings). `{ problem }`: 0.76's getopt error line; `'wait-usage'`:
 * a -w or -T argument that is not one.
 */
export function parseSvcArgs(argv: readonly string[]): SvcArgs | { problem: string } | 'wait-usage' {
  const { options, operands, problem } = getopt(argv, `${OPTION_LETTERS}w:T:`);
  if (problem !== undefined) return { problem };
  const parsed: SvcArgs = { letters: [], target: undefined, timeoutMs: -1, dirs: operands };
  for (const [letter, value = ''] of options) {
    if (letter === 'w') {
      if (value.length !== 1 || !WAIT_TARGETS.includes(value)) return 'wait-usage';
      parsed.target = value as WaitTarget;
    } else if (letter === 'T') {
      const ms = parseTimeout(value);
      if (ms === undefined) return 'wait-usage';
      parsed.timeoutMs = ms;
    } else parsed.letters.push(letter);
  }
  return parsed;
}
