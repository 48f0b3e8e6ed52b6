// runit's `check` as a readiness source: run after each start every check-interval ms until it
// exits 0, each run bounded, none left once ./run ends; svc -wU waits for it.
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '@fortress/core/wait-for';
import { Supervisor } from '@fortress/supervise/supervisor';
import { makeService, writeScript } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debianSvstat, stateOf, statusJson, superviseProcess, svc } from './state-helpers.js';

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** The pids ./check recorded, one line per run. */
const checkRuns = (dir: string): number[] => {
  try {
    return readFileSync(join(dir, 'checks'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

test('ready when ./check first exits 0 (a file appears); svc -wU returns then; Debian svstat reads it', async () => {
  const root = tempDir('check');
  const dir = makeService(root, 'web', 'exec sleep 1000', { 'check-interval': '50' });
  writeScript(join(dir, 'check'), 'echo $$ >> checks; test -e ready-flag');
  const sup = superviseProcess(dir);
  await waitFor('starting', () => stateOf(dir) === 'starting');
  const waiter = svc('-wU', '-T', '60000', dir);
  await waitFor('a few checks', () => checkRuns(dir).length >= 3);
  assert.equal(stateOf(dir), 'starting');
  assert.equal(statusJson(dir)?.ready, false);
  writeFileSync(join(dir, 'ready-flag'), '');
  const r = await waiter;
  assert.equal(r.code, 0, r.stderr);
  const status = statusJson(dir)!;
  assert.equal(status.state, 'ready');
  assert.equal(status.ready, true);
  assert.equal(typeof status.readySince, 'number');
  // No more checks once ready.
  const runs = checkRuns(dir).length;
  await waitFor('the last check reaped', () => checkRuns(dir).every((pid) => !alive(pid)));
  assert.equal(checkRuns(dir).length, runs);
  assert.match(await debianSvstat(dir), new RegExp(`^${dir}: up \\(pid ${status.pid}\\) \\d+ seconds\\n$`));
  assert.equal(sup.stderr(), '');
  await svc('-dx', dir);
  await waitFor('supervise gone', () => sup.proc.exitCode !== null);
});

test('in one process (the Supervisor svscan -1 hosts): ready when ./check exits 0; svc -wU returns', async () => {
  const root = tempDir('check-in-process');
  const dir = makeService(root, 'web', 'exec sleep 1000', { 'check-interval': '50' });
  writeScript(join(dir, 'check'), 'echo $$ >> checks; test -e ready-flag');
  const devnull = openSync('/dev/null', 'w');
  const warnings: string[] = [];
  const sup = new Supervisor({ dir, stdio: [0, devnull, devnull], log: (_level, text) => warnings.push(text) });
  try {
    await sup.start();
    await waitFor('starting', () => stateOf(dir) === 'starting');
    const waiter = svc('-wU', '-T', '60000', dir);
    await waitFor('a few checks', () => checkRuns(dir).length >= 3);
    assert.equal(sup.state.supervision, 'starting');
    assert.equal(sup.state.ready, false);
    writeFileSync(join(dir, 'ready-flag'), '');
    const r = await waiter;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([sup.state.supervision, sup.state.ready], ['ready', true]);
    assert.equal(statusJson(dir)?.state, 'ready');
    assert.deepEqual(warnings, []);
  } finally {
    await sup.shutdown();
    closeSync(devnull);
  }
});

test('a ./check that never succeeds: svc -wU -T times out with 99, and checks stop when ./run ends', async () => {
  const root = tempDir('check-never');
  const dir = makeService(root, 'never', 'exec sleep 1000', { 'check-interval': '30' });
  writeScript(join(dir, 'check'), 'echo $$ >> checks; exit 1');
  const sup = superviseProcess(dir);
  await waitFor('starting', () => stateOf(dir) === 'starting');
  const r = await svc('-wU', '-T', '1500', dir);
  assert.equal(r.code, 99);
  assert.equal(stateOf(dir), 'starting');
  assert.ok(checkRuns(dir).length >= 2, `checks: ${checkRuns(dir).length}`);
  const down = await svc('-wD', '-d', '-T', '30000', dir);
  assert.equal(down.code, 0, down.stderr);
  await waitFor('every check reaped', () => checkRuns(dir).every((pid) => !alive(pid)));
  // Polling has stopped: with ./check gone, a poll would say `unable to start never/check`.
  // The next start has no readiness source at all: up, not starting.
  renameSync(join(dir, 'check'), join(dir, 'check.off'));
  const up = await svc('-wu', '-u', '-T', '30000', dir);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(stateOf(dir), 'up');
  assert.equal(statusJson(dir)?.ready, null);
  await svc('-dx', dir);
  await waitFor('supervise gone', () => sup.proc.exitCode !== null);
  assert.equal(sup.stderr(), '');
});

test('a ./check that hangs is killed with its process group, and the next one runs', async () => {
  const root = tempDir('check-hang');
  const dir = makeService(root, 'hang', 'exec sleep 1000', { 'check-interval': '50' });
  // The first check hangs (with a child of its own); the later ones see the flag it left.
  writeScript(
    join(dir, 'check'),
    'echo $$ >> checks; if test -e first-done; then exit 0; fi; touch first-done; sleep 1000 & echo $! > hung-child; wait',
  );
  const sup = superviseProcess(dir);
  await waitFor('ready', () => stateOf(dir) === 'ready', 30_000);
  const runs = checkRuns(dir);
  assert.equal(runs.length, 2, `checks: ${runs.join(' ')}`);
  await waitFor('the hung check and its child killed', () => {
    const child = Number(readFileSync(join(dir, 'hung-child'), 'utf8'));
    return !alive(runs[0]!) && !alive(child);
  });
  assert.ok(existsSync(join(dir, 'first-done')));
  assert.equal(sup.stderr(), '');
  await svc('-dx', dir);
  await waitFor('supervise gone', () => sup.proc.exitCode !== null);
});
