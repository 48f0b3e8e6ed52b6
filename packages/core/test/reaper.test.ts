// The reaper as a subreaper (no root needed): this file re-spawns itself as the reaping process,
// which double-forks orphans and also owns children of its own (one through node:child_process,
// one through the addon's spawn, claimed by hand). The orphans must all be reaped; the owned
// children's statuses must reach their owners.
import assert from 'node:assert/strict';
import { spawn as spawnNode, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { claimChild, claimNodeChildren, releaseChild } from '@fortress/core/child-registry';
import { setChildSubreaper, spawn, waitpid, zombieChildren } from '@fortress/core/libc';
import { startReaper } from '@fortress/core/reaper';
import { waitFor } from '@fortress/core/wait-for';

const ORPHANS = 200;

async function reapingChild(): Promise<void> {
  setChildSubreaper(true);
  claimNodeChildren();
  const reaper = startReaper();
  // A child of our own through the addon: claimed, so the reaper leaves its status to us.
  const own = spawn('sh', ['sh', '-c', 'exit 9'], []);
  claimChild(own);
  await waitFor('own child to be a zombie', () => zombieChildren(process.pid).includes(own), 30_000);
  reaper.reapNow();
  const [pid, status] = waitpid(own, 0);
  releaseChild(own);
  // Orphans (each sleep's parent exits at once) from a node:child_process child, whose exit
  // code must reach its 'exit' event.
  const script = `i=0; while [ $i -lt ${ORPHANS} ]; do (sleep 0 &); i=$((i+1)); done; exit 5`;
  const code = await new Promise<number | null>((resolve) => {
    spawnNode('sh', ['-c', script], { stdio: 'ignore' }).on('exit', (c) => resolve(c));
  });
  // (A shell may wait for an odd one itself: the proof is that none is left.)
  await waitFor('no zombie left', () => zombieChildren(process.pid).length === 0, 30_000);
  process.stdout.write(
    JSON.stringify({ own: pid === own ? (status >> 8) & 0xff : -1, code, reaped: reaper.reaped > 0 }),
  );
  reaper.stop();
}

if (process.argv[2] === 'reaping-child') {
  await reapingChild();
} else {
  test('orphans are reaped; claimed children keep their statuses', { timeout: 90_000 }, () => {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'reaping-child'], {
      encoding: 'utf8',
      timeout: 80_000,
      killSignal: 'SIGKILL',
    });
    assert.equal(run.stderr, '');
    assert.deepEqual(JSON.parse(run.stdout), { own: 9, code: 5, reaped: true });
    assert.equal(run.status, 0);
  });
}
