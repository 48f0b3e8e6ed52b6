// Temporary directories that remove themselves: one signature for every package's tests.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A fresh directory `fortress-LABEL-XXXXXX` under the system's temporary directory, mode 0755
 * (tests switch to unprivileged accounts that must reach it). It is removed by a node:test
 * `after` hook: after the current test when called inside one, else after the file's tests,
 * whether they passed or not.
 */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fortress-${label}-`));
  chmodSync(dir, 0o755);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
