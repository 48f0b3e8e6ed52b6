// The Supervisor class hosted in-process, as svscan's one-process mode does: several instances,
// stdio passed in, commands by method, shutdown releases every file and lock.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { errorCode, FortressError } from '@fortress/core/errors';
import { Supervisor } from '@fortress/supervise/supervisor';
import { alive, cleanup, debianSvstat, makeService, makeTempDir, waitFor } from './helpers.js';

const tmp = makeTempDir();
const hosted: Supervisor[] = [];
after(async () => {
  await Promise.all(hosted.map((s) => s.shutdown()));
  cleanup([], [tmp]);
});

test('two supervisors in one process: stdio, events, commands, shutdown', async () => {
  const out = openSync(join(tmp, 'out'), 'a');
  const dirs = ['one', 'two'].map((n) => makeService(tmp, n, `echo "started ${n}"; exec sleep 1000`));
  const logs: string[] = [];
  const sups = dirs.map((dir) => new Supervisor({ dir, stdio: [0, out, out], log: (l, t) => logs.push(`${l}: ${t}`) }));
  hosted.push(...sups);
  const startedPids = sups.map((s) => new Promise<number>((r) => s.once('start', r)));
  for (const s of sups) await s.start();
  const pids = await Promise.all(startedPids);
  await waitFor('output', () => readFileSync(join(tmp, 'out'), 'utf8').split('\n').length >= 3);
  assert.deepEqual(readFileSync(join(tmp, 'out'), 'utf8').split('\n').filter(Boolean).sort(), [
    'started one',
    'started two',
  ]);
  assert.equal(sups[0]!.state.pid, pids[0]);
  assert.equal(sups[0]!.state.pgid, pids[0]);
  const exit = new Promise<[number | null, string | null]>((r) => sups[0]!.once('exit', (c, s) => r([c, s])));
  sups[0]!.command('d');
  assert.deepEqual(await exit, [null, 'SIGTERM']);
  assert.equal(sups[0]!.state.want, 'down');
  assert.equal(sups[0]!.state.pid, 0);
  assert.match(debianSvstat(dirs[0]!), /: down \d+ seconds, normally up\n$/);
  assert.ok(alive(pids[1]!), 'the other service is untouched');
  await Promise.all(sups.map((s) => s.shutdown()));
  assert.equal(alive(pids[1]!), false);
  assert.deepEqual(logs, []);
  closeSync(out);
  // Every lock was released: a new supervisor takes the directory at once.
  const devnull = openSync('/dev/null', 'w');
  const again = new Supervisor({ dir: dirs[0]!, stdio: [0, devnull, devnull] });
  hosted.push(again);
  await again.start();
  await again.shutdown();
  closeSync(devnull);
});

test('start() rejects with a FortressError carrying the daemontools text and errno', async () => {
  const dir = join(tmp, 'nope');
  const sup = new Supervisor({ dir });
  await assert.rejects(sup.start(), (err: unknown) => {
    assert.ok(err instanceof FortressError);
    assert.equal(err.message, `unable to chdir to ${dir}: file does not exist`);
    assert.equal(err.code, 'ERR_SETUP');
    assert.equal(errorCode(err.cause), 'ENOENT');
    return true;
  });
});

test('second supervisor on the same directory in the same process: lock refused', async () => {
  const dir = makeService(tmp, 'twice', 'exec sleep 1000');
  const a = new Supervisor({ dir, stdio: [0, 2, 2] });
  hosted.push(a);
  await a.start();
  await assert.rejects(new Supervisor({ dir }).start(), {
    message: `unable to acquire ${dir}/supervise/lock: temporary failure`,
  });
  await a.shutdown();
});

test('missing run reported through the log callback, not stderr', async () => {
  const dir = makeService(tmp, 'norun', undefined);
  const logs: string[] = [];
  const sup = new Supervisor({ dir, log: (l, t) => logs.push(`${l}: ${t}`) });
  hosted.push(sup);
  await sup.start();
  await waitFor('logged', () => logs.length >= 1);
  assert.equal(logs[0], `fatal: unable to start ${dir}/run: file does not exist`);
  await sup.shutdown();
});

test('shutdown() of a supervisor never started, or whose start failed, resolves at once', async () => {
  await new Supervisor({ dir: join(tmp, 'never') }).shutdown();
  const failed = new Supervisor({ dir: join(tmp, 'nope-either') });
  await assert.rejects(failed.start());
  await failed.shutdown();
  await failed.exited;
});

test('no process-global state: signal listeners, cwd and exit code untouched', async () => {
  const events = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGCHLD', 'exit', 'beforeExit', 'uncaughtException'] as const;
  const before = events.map((e) => process.listenerCount(e));
  const cwd = process.cwd();
  const dir = makeService(tmp, 'global', 'exec sleep 1000');
  const sup = new Supervisor({ dir, stdio: [0, 2, 2] });
  hosted.push(sup);
  await sup.start();
  await waitFor('up', () => sup.state.pid > 0);
  sup.command('d');
  await waitFor('down', () => sup.state.pid === 0);
  await sup.shutdown();
  assert.deepEqual(
    events.map((e) => process.listenerCount(e)),
    before,
  );
  assert.equal(process.cwd(), cwd);
  assert.equal(process.exitCode, undefined);
});

test('constructor validates dir', () => {
  assert.throws(() => new Supervisor({ dir: '' }), TypeError);
});
