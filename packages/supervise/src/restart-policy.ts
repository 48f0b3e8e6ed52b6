// Restart backoff (issue 12), off by default: 0.76's rule stays (at least 1 s between two
// starts, forever). A `restart-delay-max` file (ms) turns on exponential backoff: the pause
// after each quick death doubles from 1 s up to that cap, and goes back to nothing once the
// service has stayed up `restart-stable` ms (default 10000) before it died.

const { readFileSync } = process.getBuiltinModule('node:fs');

export const FIRST_PAUSE_MS = 1000;
export const DEFAULT_RESTART_STABLE_MS = 10_000;

export interface RestartPolicy {
  /** The cap of the pause; 0: no backoff (0.76's pacing only). */
  maxMs: number;
  /** Uptime after which a death counts as not quick: the pause starts over. */
  stableMs: number;
}

function readMs(dir: string, name: string): number | undefined {
  try {
    const text = readFileSync(`${dir}/${name}`, 'latin1').trim();
    return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export function readRestartPolicy(dir: string): RestartPolicy {
  return {
    maxMs: readMs(dir, 'restart-delay-max') ?? 0,
    stableMs: readMs(dir, 'restart-stable') ?? DEFAULT_RESTART_STABLE_MS,
  };
}

/** The pause before the next start, given the one before (0 for none) and how long ./run lived. */
export function nextPause(previousMs: number, livedMs: number, policy: RestartPolicy): number {
  if (policy.maxMs <= 0 || livedMs >= policy.stableMs) return 0;
  const pause = previousMs <= 0 ? FIRST_PAUSE_MS : previousMs * 2;
  return Math.min(pause, Math.max(policy.maxMs, FIRST_PAUSE_MS));
}
