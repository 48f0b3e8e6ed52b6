// `type` oneshot (issue 13): ./run as a setup step, retried with the restart policy while it
// fails, `done` once it exits 0 and never run again (until d then u); done satisfies dependents
// and svc -wU; Debian's svstat reads the 0.76 record of every state on the way.
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { waitFor } from '@fortress/core/wait-for';
import { Supervisor } from '@fortress/supervise/supervisor';
import { makeService } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debianSvstat, stateOf, statusJson, superviseProcess, svc } from './state-helpers.js';

function supervise(mode: 'per-process' | 'in-process', scan: string, name: string): void {
  if (mode === 'per-process') {
    const sup = superviseProcess(name, scan);
    after(async () => {
      if (sup.proc.exitCode === null) await svc('-dx', join(scan, name));
    });
    return;
  }
  const devnull = openSync('/dev/null', 'w');
  const sup = new Supervisor({ dir: join(scan, name), scanDir: scan, stdio: [0, devnull, devnull], log: () => {} });
  void sup.start();
  after(async () => {
    await sup.shutdown();
    closeSync(devnull);
  });
}

/** Fails twice, then succeeds: each run counts itself in `count`. */
const FLAKY_SETUP = 'n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo $n > count; test $n -ge 3';

const runs = (dir: string): number => Number(readFileSync(join(dir, 'count'), 'utf8'));

for (const mode of ['per-process', 'in-process'] as const) {
  describe(`type oneshot (${mode})`, () => {
    test('fails twice, then succeeds: done, not restarted; svc -wU returns; a dependent starts', async () => {
      const scan = tempDir(`oneshot-${mode}`);
      const setup = makeService(scan, 'setup', FLAKY_SETUP, { type: 'oneshot\n' });
      const app = makeService(scan, 'app', 'echo $$ >> starts; exec sleep 1000');
      mkdirSync(join(app, 'needs'));
      writeFileSync(join(app, 'needs', 'setup'), '');
      supervise(mode, scan, 'setup');
      const waiter = svc('-wU', '-T', '60000', setup);
      supervise(mode, scan, 'app');
      assert.equal((await waiter).code, 0);
      const done = statusJson(setup)!;
      assert.equal(done.state, 'done');
      assert.equal(done.type, 'oneshot');
      assert.deepEqual([done.pid, done.starts, done.lastExit?.code], [0, 3, 0]);
      assert.equal(runs(setup), 3);
      // 0.76's record: down, no want (as after `svc -o` ran to its end).
      assert.match(await debianSvstat(setup), /\/setup: down \d+ seconds, normally up\n$/);
      // A waiter that comes after it is done returns at once.
      assert.equal((await svc('-wU', '-T', '60000', setup)).code, 0);
      assert.equal((await svc('-wu', '-T', '60000', app)).code, 0);
      // u changes nothing for a done oneshot; the app started after it is still the only start.
      assert.equal((await svc('-u', setup)).code, 0);
      assert.equal((await svc('-wu', '-u', '-T', '60000', app)).code, 0);
      assert.deepEqual([stateOf(setup), runs(setup), statusJson(setup)!.starts], ['done', 3, 3]);
      // d then u runs it again (it succeeds at once now).
      assert.equal((await svc('-d', setup)).code, 0);
      await waitFor('setup down', () => stateOf(setup) === 'down');
      const again = svc('-wU', '-T', '60000', setup);
      await svc('-u', setup);
      assert.equal((await again).code, 0);
      assert.deepEqual([stateOf(setup), runs(setup)], ['done', 4]);
    });

    test('a oneshot that keeps failing is retried with the restart policy, never done', async () => {
      const scan = tempDir(`oneshot-fail-${mode}`);
      const setup = makeService(scan, 'setup', 'echo x >> tries; exit 3', { type: 'oneshot' });
      supervise(mode, scan, 'setup');
      await waitFor('three tries', () => (statusJson(setup)?.starts ?? 0) >= 3);
      const r = await svc('-wU', '-T', '1500', setup);
      assert.equal(r.code, 99);
      assert.notEqual(stateOf(setup), 'done');
      assert.match(
        await debianSvstat(setup),
        /\/setup: (down \d+ seconds, normally up, want up|up \(pid \d+\) \d+ seconds)\n$/,
      );
    });
  });
}
