// fortress init's `critical` file, as PID 1 of a fresh PID namespace: a critical service that
// fails for good (./finish exits 125) stops the container with its exit code; a failure without
// the file is a warning and the rest keeps running. Root only (unshare); skipped otherwise.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { waitFor } from './helpers.js';
import { addService, killGroup, lastExit, runPid, scanDir, skip, startInit } from './init-fixture.js';

function addFinish(serviceDir: string, script: string): void {
  writeFileSync(join(serviceDir, 'finish'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(serviceDir, 'finish'), 0o755);
}

describe('fortress init: critical services', { skip, timeout: 120_000 }, () => {
  test('a failure without `critical` is a warning; a critical failure stops everything with its code', async () => {
    const root = scanDir();
    const other = addService(root, 'other', 'exec sleep 1000');
    const flaky = addService(root, 'flaky', 'exit 3');
    addFinish(flaky, 'exit 125');
    // crit fails only once flaky is failed (and warned about), so both outcomes are seen in order.
    const flakyStatus = join(flaky, 'supervise', 'status.json');
    const crit = addService(
      root,
      'crit',
      `while ! grep -q '"state":"failed"' ${flakyStatus} 2>/dev/null; do sleep 0.05; done; exit 7`,
    );
    addFinish(crit, 'exit 125');
    writeFileSync(join(crit, 'critical'), '');
    const run = startInit(root, []);
    try {
      await waitFor('other up', () => runPid(other) !== 0, 60_000);
      assert.equal(await run.exited, 7);
      const stderr = run.stderr();
      assert.match(
        stderr,
        /^fortress init: warning: flaky failed permanently \(last exit 3\); not restarted until svc -u$/m,
      );
      assert.match(stderr, /^fortress init: info: critical crit failed permanently, exit 7$/m);
      assert.match(stderr, /^fortress init: info: critical crit failed: stopping$/m);
      assert.match(stderr, /^fortress init: info: everything stopped; exit 7$/m);
      assert.ok(stderr.indexOf('flaky failed') < stderr.indexOf('crit failed'), stderr);
      // The rest ran on after flaky's failure, and was stopped in order by crit's.
      assert.deepEqual({ ...lastExit(other), at: 0 }, { code: null, signal: 'SIGTERM', at: 0 });
      assert.deepEqual({ ...lastExit(crit), at: 0 }, { code: 7, signal: null, at: 0 });
      assert.doesNotMatch(stderr, /killed|still running/);
    } finally {
      killGroup(run.child);
    }
  });

  test("a critical service killed by a signal gives 128 + signal, over CMD's own code", async () => {
    const root = scanDir();
    const crit = addService(root, 'crit', `while [ ! -e ${root}/go ]; do sleep 0.05; done; kill -USR1 $$`);
    addFinish(crit, 'exit 125');
    writeFileSync(join(crit, 'critical'), '');
    // CMD would exit 0 on TERM: the container's code is still crit's.
    const run = startInit(root, ['sh', '-c', `trap 'exit 0' TERM; touch ${root}/go; while :; do sleep 0.05; done`]);
    try {
      assert.equal(await run.exited, 128 + 10);
      assert.match(run.stderr(), /^fortress init: info: critical crit failed permanently, exit 138$/m);
      assert.match(run.stderr(), /^fortress init: info: sh exited 0$/m);
      assert.deepEqual({ ...lastExit(crit), at: 0 }, { code: null, signal: 'SIGUSR1', at: 0 });
    } finally {
      killGroup(run.child);
    }
  });
});
