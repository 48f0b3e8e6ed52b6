// Polling with a deadline, for tests and programs that wait on the outside world (a file, a
// process, a socket) instead of sleeping a fixed time.

/**
 * Polls `check` every 20 ms until it returns a truthy value, which it resolves with; rejects
 * after `deadlineMs` naming `what` and the last error `check` threw, if any.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  deadlineMs = 60_000,
): Promise<NonNullable<Awaited<T>>> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<Awaited<T>>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
