// Waiting in benchmarks: a pause, and polling with a deadline.
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls PROBE every STEPMS until it is true: true, or false once MS have passed. */
export async function until(probe, ms, stepMs = 20) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(stepMs)) if (await probe()) return true;
  return false;
}

/** Polls CHECK until it gives a value, which it returns; throws `timed out waiting for WHAT` after MS. */
export async function waitUntil(what, check, ms = 120_000, stepMs = 20) {
  for (const end = Date.now() + ms; ; await sleep(stepMs)) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}
