// Temporary directories that remove themselves: one signature for every package's tests.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { killUnder } from './processes.js';

/**
 * A fresh directory `fortress-LABEL-XXXXXX` under the system's temporary directory, mode 0755
 * (tests switch to unprivileged accounts that must reach it). It is removed by a node:test
 * `after` hook: after the current test when called inside one, else after the file's tests,
 * whether they passed or not. The hook first SIGKILLs every process still working in the
 * directory (what the test started there), so none outlives it. Call it at the top of a file or
 * in a test, not in a `before` hook (node:test runs an `after` registered there at once).
 * Hooks run in the order registered: one that must run first (a graceful stop, an unmount) is
 * registered before this call. FORTRESS_TEST_KEEP=1 leaves the directories for a post-mortem.
 */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fortress-${label}-`));
  chmodSync(dir, 0o755);
  after(() => {
    killUnder(dir);
    if (!process.env['FORTRESS_TEST_KEEP']) rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
