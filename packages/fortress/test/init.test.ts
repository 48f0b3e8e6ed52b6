// fortress init as PID 1 of a fresh PID namespace (unshare --pid --fork --mount-proc), with
// real services, orphans and signals. Root only (unshare, setpriv); skipped otherwise. Each
// test kills the unshare process group it started, even when it fails; --kill-child makes the
// kernel take the whole namespace down with it.
import assert from 'node:assert/strict';
import { chownSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readAllStats } from '@fortress/core/proc';
import { waitFor } from './helpers.js';
import {
  addService,
  initPid,
  killGroup,
  lastExit,
  NOBODY,
  runPid,
  scanDir,
  skip,
  startInit,
  treeBelow,
} from './init-fixture.js';

describe('fortress init', { skip, timeout: 300_000 }, () => {
  test('1,000 double-forked orphans leave no zombie; the services keep their own statuses', {
    timeout: 280_000,
  }, async () => {
    const root = scanDir();
    addService(
      root,
      'orphans',
      `i=0; while [ $i -lt 1000 ]; do (sleep 0 &); i=$((i+1)); done; touch ${root}/forked; exec sleep 1000`,
    );
    const exit7 = addService(root, 'exit7', 'exit 7');
    const run = startInit(root, []);
    try {
      await waitFor('the orphans to be forked', () => existsSync(join(root, 'forked')), 150_000);
      const init = await waitFor('init', () => initPid(run));
      const zombies = await waitFor(
        'no zombie in the namespace',
        () => {
          const z = treeBelow(init).filter((p) => p.state === 'Z');
          return z.length === 0 ? [] : undefined;
        },
        60_000,
      );
      assert.deepEqual(zombies, []);
      // supervise's own child was not reaped by the reaper: its exit code reached status.json.
      await waitFor('exit7 to have exited', () => lastExit(exit7));
      assert.deepEqual({ ...lastExit(exit7), at: 0 }, { code: 7, signal: null, at: 0 });
      process.kill(init, 'SIGTERM');
      assert.equal(await run.exited, 0);
    } finally {
      killGroup(run.child);
    }
  });

  test("CMD exiting 3 makes init exit 3, after the services' lines came out prefixed", async () => {
    const root = scanDir();
    addService(root, 'talk', `echo hello; printf par; sleep 0.3; echo tial; touch ${root}/said; exec sleep 1000`);
    const run = startInit(root, ['sh', '-c', `while [ ! -e ${root}/said ]; do sleep 0.05; done; exit 3`]);
    try {
      assert.equal(await run.exited, 3);
      assert.match(run.stdout(), /^talk: hello\ntalk: partial\n/m);
      assert.match(run.stderr(), /sh exited 3/);
      assert.doesNotMatch(run.stderr(), /killed/);
    } finally {
      killGroup(run.child);
    }
  });

  test('CMD killed by SIGKILL gives 137', async () => {
    const root = scanDir();
    addService(root, 'idle', 'exec sleep 1000');
    const run = startInit(root, ['sh', '-c', 'kill -KILL $$']);
    try {
      assert.equal(await run.exited, 137);
    } finally {
      killGroup(run.child);
    }
  });

  test('TERM with 20 services stops each with TERM, then what they left behind', async () => {
    const root = scanDir();
    const dirs: string[] = [];
    for (let i = 0; i < 20; i++) dirs.push(addService(root, `s${i}`, 'exec sleep 1000'));
    // A daemon that left its service: only the sweep's TERM can make it write its note.
    addService(
      root,
      'daemon',
      `(trap 'echo termed > ${root}/daemon-termed; exit 0' TERM; sleep 1000 & wait) & exec sleep 1000`,
    );
    const run = startInit(root, []);
    try {
      await waitFor('20 services up', () => dirs.every((d) => runPid(d) !== 0), 60_000);
      process.kill(await waitFor('init', () => initPid(run)), 'SIGTERM');
      assert.equal(await run.exited, 0);
      for (const d of dirs) assert.deepEqual({ ...lastExit(d), at: 0 }, { code: null, signal: 'SIGTERM', at: 0 });
      for (const d of dirs) assert.equal(runPid(d), 0);
      assert.equal(readFileSync(join(root, 'daemon-termed'), 'utf8'), 'termed\n');
      assert.doesNotMatch(run.stderr(), /killed|still running/);
      assert.equal((run.stderr().match(/info: s\d+ stopped/g) ?? []).length, 20);
    } finally {
      killGroup(run.child);
    }
  });

  test('a service ignoring TERM is killed after the grace time', async () => {
    const root = scanDir();
    const stubborn = addService(root, 'stubborn', "trap '' TERM; exec sleep 1000");
    const run = startInit(root, [], { FORTRESS_SERVICES_GRACETIME: '300', FORTRESS_KILL_GRACETIME: '300' });
    try {
      await waitFor('stubborn up', () => runPid(stubborn) !== 0, 60_000);
      process.kill(await waitFor('init', () => initPid(run)), 'SIGTERM');
      assert.equal(await run.exited, 0);
      // Its supervisor kills it after the grace time (as svscan's tree stop does), or, should the
      // services' own grace run out first, the sweep does: either way with a warning that says so.
      assert.match(
        run.stderr(),
        /warning: \S*stubborn did not stop within 300 ms: sent SIGKILL|warning: killed 1 processes still running after 300 ms/,
      );
      assert.deepEqual({ ...lastExit(stubborn), at: 0 }, { code: null, signal: 'SIGKILL', at: 0 });
    } finally {
      killGroup(run.child);
    }
  });

  test('as a subreaper (not PID 1): orphans reaped, TERM reaches the descendants it inherited', {
    timeout: 280_000,
  }, async () => {
    const root = scanDir();
    addService(
      root,
      'orphans',
      `i=0; while [ $i -lt 100 ]; do (sleep 0 &); i=$((i+1)); done; touch ${root}/forked; exec sleep 1000`,
    );
    addService(
      root,
      'daemon',
      `(trap 'echo termed > ${root}/daemon-termed; exit 0' TERM; sleep 1000 & wait) & exec sleep 1000`,
    );
    // sh stays PID 1 (it has more to do after node), so init is its child.
    const run = startInit(root, [], {}, ['/bin/sh', '-c', '"$@"; echo "init exited $?" >&2', 'sh']);
    try {
      await waitFor('the orphans to be forked', () => existsSync(join(root, 'forked')), 150_000);
      const sh = await waitFor('sh', () => initPid(run));
      const init = await waitFor('init below sh', () => readAllStats().find((s) => s.ppid === sh)?.pid);
      await waitFor('no zombie below init', () => treeBelow(init).every((p) => p.state !== 'Z'), 60_000);
      process.kill(init, 'SIGTERM');
      assert.equal(await run.exited, 0);
      assert.match(run.stderr(), /^init exited 0$/m);
      assert.equal(readFileSync(join(root, 'daemon-termed'), 'utf8'), 'termed\n');
      assert.doesNotMatch(run.stderr(), /killed|still running/);
    } finally {
      killGroup(run.child);
    }
  });

  test('runs as nobody with a writable scan directory', async () => {
    const root = scanDir();
    const svc = addService(root, 'who', `id -u; touch ${root}/said; exec sleep 1000`);
    chownSync(root, NOBODY, NOBODY);
    chownSync(join(root, 'service'), NOBODY, NOBODY);
    chownSync(svc, NOBODY, NOBODY);
    const asNobody = ['/usr/bin/setpriv', '--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];
    const run = startInit(
      root,
      ['sh', '-c', `while [ ! -e ${root}/said ]; do sleep 0.05; done; id -u >&2`],
      {},
      asNobody,
    );
    try {
      assert.equal(await run.exited, 0);
      assert.match(run.stdout(), /^who: 65534$/m);
      assert.match(run.stderr(), /^65534$/m);
      assert.deepEqual({ ...lastExit(svc), at: 0 }, { code: null, signal: 'SIGTERM', at: 0 });
    } finally {
      killGroup(run.child);
    }
  });
});
