// Issue 20.7: a logger killed with SIGKILL again and again while a service writes loses nothing.
// Ours takes lines out of the pipe only after writing them, whole lines where it can; Debian's is
// measured under the same run for comparison (its figures are printed, not asserted).
// KILLS=160 node --test packages/multilog/dist-test/kills.test.js gives the fault run's figures.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { debianCommand, ourCommand, removeDir, start, tempDir } from './helpers.js';
import { killRun } from './kill-run.js';

const KILLS = Number(process.env.KILLS) || 40;
const SCRIPT = ['t', 's1000000', 'n100000', './log'];

let root: string;
const children: ChildProcess[] = [];
before(() => {
  root = tempDir();
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
after(() => removeDir(root));

test(`ours: ${KILLS} SIGKILLs of the logger while lines stream in: no line lost`, { timeout: 600_000 }, async (t) => {
  const dir = join(root, 'ours');
  const figures = await killRun({
    dir,
    kills: KILLS,
    children,
    startLogger: (fd) => start(ourCommand('multilog', SCRIPT), dir, [fd, 'ignore', 'ignore']),
  });
  t.diagnostic(`ours: ${JSON.stringify(figures)}`);
  assert.equal(figures.lost, 0, JSON.stringify(figures));
});

test(`debian: the same run, for comparison`, { timeout: 600_000 }, async (t) => {
  const dir = join(root, 'debian');
  const figures = await killRun({
    dir,
    kills: KILLS,
    children,
    startLogger: (fd) => start(debianCommand('multilog', SCRIPT), dir, [fd, 'ignore', 'ignore']),
  });
  t.diagnostic(`debian: ${JSON.stringify(figures)}`);
  assert.equal(figures.kills, KILLS);
});
