// The options of svc -w and svwait, without the waiting code (svc loads that only to wait).

/** u up, U up and ready, d down, D down and ./finish done, r (re)started, R (re)started and ready. */
export type WaitTarget = 'u' | 'U' | 'd' | 'D' | 'r' | 'R';
export const WAIT_TARGETS = 'uUdDrR';

/** A -T argument: decimal milliseconds; undefined when TEXT is not one. */
export function parseTimeout(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
}
