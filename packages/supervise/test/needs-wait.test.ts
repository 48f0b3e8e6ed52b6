// needs/ inside supervise (issue 13), with real processes in both hosting modes: supervise per
// service (started in the scan directory, as svscan starts it) and Supervisor objects in this
// process (as `svscan -1` hosts them). A dependent's ./run checks for itself that what it needs
// had got there first, and leaves a `violation` file when not.
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { waitFor } from '@fortress/core/wait-for';
import { Supervisor } from '@fortress/supervise/supervisor';
import { makeService } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debianSvstat, stateOf, statusJson, superviseProcess, svc } from './state-helpers.js';

type Mode = 'per-process' | 'in-process';

/** Supervises SCAN/NAME in MODE; stopped (svc -dx or shutdown) after the file's tests. */
function supervise(mode: Mode, scan: string, name: string): { stderr: () => string } {
  if (mode === 'per-process') {
    const sup = superviseProcess(name, scan);
    after(async () => {
      if (sup.proc.exitCode === null) await svc('-dx', join(scan, name));
    });
    return sup;
  }
  const devnull = openSync('/dev/null', 'w');
  const logs: string[] = [];
  const sup = new Supervisor({
    dir: join(scan, name),
    scanDir: scan,
    stdio: [0, devnull, devnull],
    log: (level, text) => logs.push(`supervise: ${level}: ${text}\n`),
  });
  void sup.start();
  after(async () => {
    await sup.shutdown();
    closeSync(devnull);
  });
  return { stderr: () => logs.join('') };
}

function needs(dir: string, ...names: string[]): void {
  mkdirSync(join(dir, 'needs'), { recursive: true });
  for (const name of names) writeFileSync(join(dir, 'needs', name), '');
}

/** B's ./run: a violation unless A's ./run left FLAG first; then it runs on. */
const dependentRun = (flag: string): string =>
  `test -e ../A/${flag} || echo "started before A/${flag}" >> violation; echo $$ >> starts; exec sleep 1000`;

for (const mode of ['per-process', 'in-process'] as const) {
  describe(`needs/ (${mode})`, () => {
    test('B waits for A, says so, and starts once A is up', async () => {
      const scan = tempDir(`needs-${mode}`);
      makeService(scan, 'A', 'touch started; exec sleep 1000', { down: '' });
      const b = makeService(scan, 'B', dependentRun('started'));
      needs(b, 'A');
      const supA = supervise(mode, scan, 'A');
      const supB = supervise(mode, scan, 'B');
      await waitFor('B waiting', () => stateOf(b) === 'waiting');
      assert.deepEqual(statusJson(b)?.waitingFor, ['A']);
      assert.deepEqual(statusJson(b)?.failedNeeds, []);
      assert.equal(statusJson(b)?.pid, 0);
      assert.match(await debianSvstat(b), /^.*\/B: down \d+ seconds, normally up, want up\n$/);
      const waiter = svc('-wu', '-T', '60000', b);
      assert.equal((await svc('-u', join(scan, 'A'))).code, 0);
      const up = await waiter;
      assert.equal(up.code, 0, up.stderr);
      assert.equal(stateOf(b), 'up');
      assert.deepEqual(statusJson(b)?.waitingFor, []);
      assert.equal(existsSync(join(b, 'violation')), false);
      assert.equal(supA.stderr() + supB.stderr(), '');
    });

    test('readiness: B starts only after A said ready (U), not when A started', async () => {
      const scan = tempDir(`needs-ready-${mode}`);
      makeService(
        scan,
        'A',
        'touch started; while ! test -e go; do sleep 0.05; done; touch said-ready; echo >&3; exec sleep 1000',
        {
          'notification-fd': '3',
        },
      );
      const b = makeService(scan, 'B', dependentRun('said-ready'));
      needs(b, 'A');
      supervise(mode, scan, 'A');
      supervise(mode, scan, 'B');
      await waitFor('A starting', () => stateOf(join(scan, 'A')) === 'starting');
      // A's start came and went as an event; B, re-reading A's status, still waits.
      await waitFor('B waiting', () => stateOf(b) === 'waiting');
      assert.deepEqual(statusJson(b)?.waitingFor, ['A']);
      const waiter = svc('-wU', '-T', '60000', join(scan, 'A'));
      writeFileSync(join(scan, 'A', 'go'), '');
      assert.equal((await waiter).code, 0);
      await waitFor('B up', () => stateOf(b) === 'up');
      assert.equal(existsSync(join(b, 'violation')), false);
    });

    test('needs-bound: B stops when A goes down, waits, and starts again when A is back', async () => {
      const scan = tempDir(`needs-bound-${mode}`);
      const a = makeService(scan, 'A', 'touch started; exec sleep 1000');
      const b = makeService(scan, 'B', dependentRun('started'), { 'needs-bound': '' });
      needs(b, 'A');
      supervise(mode, scan, 'A');
      supervise(mode, scan, 'B');
      await waitFor('B up', () => stateOf(b) === 'up');
      const first = statusJson(b)!.pid;
      assert.equal((await svc('-wD', '-d', '-T', '60000', a)).code, 0);
      await waitFor('B waiting again', () => stateOf(b) === 'waiting');
      const waiting = statusJson(b)!;
      assert.deepEqual([waiting.pid, waiting.waitingFor, waiting.lastExit?.signal], [0, ['A'], 'SIGTERM']);
      assert.match(await debianSvstat(b), /: down \d+ seconds, normally up, want up\n$/);
      assert.equal((await svc('-u', a)).code, 0);
      await waitFor('B up again', () => stateOf(b) === 'up' && statusJson(b)!.pid !== first);
      assert.equal(statusJson(b)!.starts, 2);
    });

    test('without needs-bound, B keeps running when A goes down', async () => {
      const scan = tempDir(`needs-unbound-${mode}`);
      const a = makeService(scan, 'A', 'touch started; exec sleep 1000');
      const b = makeService(scan, 'B', dependentRun('started'));
      needs(b, 'A');
      supervise(mode, scan, 'A');
      supervise(mode, scan, 'B');
      await waitFor('B up', () => stateOf(b) === 'up');
      const pid = statusJson(b)!.pid;
      assert.equal((await svc('-wD', '-d', '-T', '60000', a)).code, 0);
      // A's d and D events have reached B's supervisor (if it listened at all) by the time its
      // own status is written again: ask it for a write with a harmless command.
      assert.equal((await svc('-wu', '-u', '-T', '60000', b)).code, 0);
      assert.deepEqual([stateOf(b), statusJson(b)!.pid], ['up', pid]);
    });

    test('a missing needed service: waiting for it forever, by name', async () => {
      const scan = tempDir(`needs-missing-${mode}`);
      const b = makeService(scan, 'B', 'echo $$ >> starts; exec sleep 1000');
      needs(b, 'ghost', 'A');
      makeService(scan, 'A', 'exec sleep 1000');
      supervise(mode, scan, 'A');
      supervise(mode, scan, 'B');
      await waitFor('A up', () => stateOf(join(scan, 'A')) === 'up');
      await waitFor('B waiting for ghost only', () => statusJson(b)?.waitingFor?.join() === 'ghost');
      assert.equal(stateOf(b), 'waiting');
      // The 1 s poll has read again (a second status write would say the same): still waiting.
      const r = await svc('-wu', '-T', '2500', b);
      assert.equal(r.code, 99);
      assert.equal(existsSync(join(b, 'starts')), false);
      // It appears: B starts.
      makeService(scan, 'ghost', 'exec sleep 1000');
      supervise(mode, scan, 'ghost');
      assert.equal((await svc('-wu', '-T', '60000', b)).code, 0);
    });

    test('a needed service that failed permanently shows in failedNeeds', async () => {
      const scan = tempDir(`needs-failed-${mode}`);
      // A uses readiness and dies before it is ready: never satisfied, not even for a moment.
      const a = makeService(scan, 'A', 'exit 1', { finish: '#!/bin/sh\nexit 125\n', 'notification-fd': '3' });
      const { chmodSync } = await import('node:fs');
      chmodSync(join(a, 'finish'), 0o755);
      const b = makeService(scan, 'B', 'exec sleep 1000');
      needs(b, 'A');
      supervise(mode, scan, 'A');
      supervise(mode, scan, 'B');
      await waitFor('A failed', () => stateOf(a) === 'failed');
      await waitFor('B names A as failed', () => statusJson(b)?.failedNeeds?.join() === 'A');
      assert.deepEqual([stateOf(b), statusJson(b)?.waitingFor], ['waiting', ['A']]);
    });
  });
}
