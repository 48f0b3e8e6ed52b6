// fortress init's stop in reverse dependency order (svscan's scanner reads needs/): as PID 1 of a
// fresh PID namespace, 20 services in three layers each record when TERM reached them; every
// service must have gone down after all that need it, by TERM alone, and nothing may be left.
// Root only (unshare); skipped otherwise.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readAllStats } from '@fortress/core/proc';
import { waitFor } from './helpers.js';
import {
  addService,
  initPid,
  killGroup,
  lastExit,
  runPid,
  scanDir,
  skip,
  startInit,
  treeBelow,
} from './init-fixture.js';

/** s0 at the bottom; s1..s4 need s0; s5..s12 need one of s1..s4; s13..s19 need one of s5..s12 and s0. */
function layeredNeeds(): Map<string, string[]> {
  const needs = new Map<string, string[]>([['s0', []]]);
  for (let i = 1; i <= 4; i++) needs.set(`s${i}`, ['s0']);
  for (let i = 5; i <= 12; i++) needs.set(`s${i}`, [`s${1 + ((i - 5) % 4)}`]);
  for (let i = 13; i <= 19; i++) needs.set(`s${i}`, [`s${5 + (i - 13)}`, 's0']);
  return needs;
}

describe('fortress init: stop order', { skip, timeout: 120_000 }, () => {
  test('TERM with 20 services with needs/: each goes down after its dependents, all by TERM, nothing left', async () => {
    const root = scanDir();
    const order = join(root, 'order');
    const needs = layeredNeeds();
    const dirs = new Map<string, string>();
    for (const [name, needed] of needs) {
      // The trap appends the name when TERM arrives (one short O_APPEND write: lines never mix).
      const dir = addService(root, name, `trap 'echo ${name} >> ${order}; exit 0' TERM; sleep 1000 & wait`);
      mkdirSync(join(dir, 'needs'));
      for (const n of needed) writeFileSync(join(dir, 'needs', n), '');
      dirs.set(name, dir);
    }
    const run = startInit(root, []);
    try {
      await waitFor('20 services up', () => [...dirs.values()].every((d) => runPid(d) !== 0), 60_000);
      const init = await waitFor('init', () => initPid(run));
      const before = readAllStats().filter((s) => treeBelow(init).some((p) => p.pid === s.pid));
      process.kill(init, 'SIGTERM');
      assert.equal(await run.exited, 0, run.stderr());
      const stopped = readFileSync(order, 'utf8').split('\n').filter(Boolean);
      assert.deepEqual([...stopped].sort(), [...needs.keys()].sort());
      for (const [name, needed] of needs) {
        for (const n of needed) {
          assert.ok(
            stopped.indexOf(name) < stopped.indexOf(n),
            `${name} should stop before ${n}: ${stopped.join(' ')}`,
          );
        }
      }
      for (const [name, dir] of dirs)
        assert.deepEqual({ ...lastExit(dir), at: 0 }, { code: 0, signal: null, at: 0 }, name);
      assert.doesNotMatch(run.stderr(), /killed|still running|not down in time|needs cycle|missing/);
      // Every process the namespace had (services, their sleeps) is gone.
      const left = readAllStats().filter((s) => before.some((b) => b.pid === s.pid && b.starttime === s.starttime));
      assert.deepEqual(left, []);
    } finally {
      killGroup(run.child);
    }
  });
});
