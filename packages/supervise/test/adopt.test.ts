// No duplicates: supervise killed with SIGKILL leaves ./run running (as daemontools); a new
// supervise adopts it (the pid, start time and boot recorded in supervise/run.id) instead of
// starting a second copy, and starts ./run normally once the old one is gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  alive,
  debianSvc,
  debianSvstat,
  groupMembers,
  makeService,
  readStatusJson,
  type Started,
  servicePid,
  superviseLab,
  waitFor,
} from './helpers.js';

const { tmp, supervise } = superviseLab();

const starts = (dir: string) =>
  existsSync(join(dir, 'starts'))
    ? readFileSync(join(dir, 'starts'), 'utf8').split('\n').filter(Boolean).map(Number)
    : [];

async function killSupervise(s: Started): Promise<void> {
  s.proc.kill('SIGKILL');
  await s.exit;
}

test('SIGKILL of supervise, new supervise: exactly one copy runs; a new one starts when the old dies', async () => {
  const dir = makeService(tmp, 'adopt', 'echo $$ >> starts; exec sleep 1000');
  const first = supervise(dir);
  const pid1 = await waitFor('up', () => servicePid(dir));
  await waitFor('run wrote its pid', () => starts(dir).length === 1);
  await killSupervise(first);
  assert.ok(alive(pid1), 'the service survives SIGKILL of its supervise, as with daemontools');

  const second = supervise(dir);
  await waitFor('new supervise recorded', () => readStatusJson(dir).supervisor === second.proc.pid);
  assert.equal(readStatusJson(dir).pid, pid1);
  assert.match(debianSvstat(dir), new RegExp(`: up \\(pid ${pid1}\\) \\d+ seconds\\n$`));
  // Hold for 1.5 s (several lock polls): still exactly one copy.
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    assert.deepEqual(starts(dir), [pid1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  // svc signals reach the adopted service; once it is gone, ./run starts normally.
  debianSvc(['-k', dir]);
  await waitFor('old copy gone', () => !alive(pid1));
  const pid2 = await waitFor('new copy', () => {
    const p = servicePid(dir);
    return p !== pid1 ? p : 0;
  });
  await waitFor('second run wrote its pid', () => starts(dir).length === 2);
  assert.deepEqual(starts(dir), [pid1, pid2]);
  assert.ok(alive(pid2));
  debianSvc(['-dx', dir]);
  assert.deepEqual(await second.exit, { code: 0, signal: null });
  assert.equal(alive(pid2), false);
});

test('adopted service stopped with svc -d (timeout-kill applies) stays down', async () => {
  const dir = makeService(tmp, 'adopt-down', "echo $$ >> starts; trap '' TERM; exec sleep 1000", {
    'timeout-kill': '200',
  });
  const first = supervise(dir);
  const pid1 = await waitFor('up', () => servicePid(dir));
  await waitFor('run wrote its pid', () => starts(dir).length === 1);
  await killSupervise(first);
  const second = supervise(dir);
  await waitFor('adopted', () => readStatusJson(dir).supervisor === second.proc.pid);
  debianSvc(['-d', dir]);
  await waitFor('adopted copy killed', () => !alive(pid1));
  await waitFor('status down', () => debianSvstat(dir).includes(': down '));
  assert.deepEqual(starts(dir), [pid1]);
  debianSvc(['-x', dir]);
  assert.deepEqual(await second.exit, { code: 0, signal: null });
  assert.deepEqual(starts(dir), [pid1]);
});

test('old ./run already gone when the new supervise starts: started normally', async () => {
  const dir = makeService(tmp, 'adopt-gone', 'echo $$ >> starts; exec sleep 1000');
  const first = supervise(dir);
  const pid1 = await waitFor('up', () => servicePid(dir));
  await waitFor('run wrote its pid', () => starts(dir).length === 1);
  await killSupervise(first);
  process.kill(pid1, 'SIGKILL');
  await waitFor('old copy gone', () => !alive(pid1));
  const second = supervise(dir);
  const pid2 = await waitFor('new copy', () => {
    const p = servicePid(dir);
    return p !== pid1 ? p : 0;
  });
  await waitFor('second run wrote its pid', () => starts(dir).length === 2);
  assert.deepEqual(starts(dir), [pid1, pid2]);
  debianSvc(['-dx', dir]);
  assert.deepEqual(await second.exit, { code: 0, signal: null });
});

test('issue 20.1: a ./run under setuidgid nobody cannot release or forge "the old ./run lives"', async () => {
  // The service drops to nobody, then tries every descriptor it may have inherited: unlock,
  // write. Before the fix fd 3 was supervise/lock.run, read-write: the unlock let the next
  // supervise start a second copy, and svstat showed only that one.
  chmodSync(tmp, 0o755);
  const dir = makeService(
    tmp,
    'adopt-nobody',
    `echo $$ >> starts
exec /usr/bin/setuidgid nobody /bin/sh -c '
for fd in 3 4 5 6 7 8 9; do
  ( /usr/bin/flock -u $fd ) 2>/dev/null
  ( echo forged >&$fd ) 2>/dev/null
done
echo tried > out/tried
exec sleep 1000'`,
  );
  mkdirSync(join(dir, 'out'), { mode: 0o777 });
  chmodSync(join(dir, 'out'), 0o777);
  const first = supervise(dir);
  const pid1 = await waitFor('up', () => servicePid(dir));
  await waitFor('the service tried its descriptors', () => existsSync(join(dir, 'out/tried')));
  await killSupervise(first);
  assert.ok(alive(pid1));
  const second = supervise(dir);
  await waitFor('new supervise recorded', () => readStatusJson(dir).supervisor === second.proc.pid);
  assert.equal(readStatusJson(dir).pid, pid1);
  assert.match(debianSvstat(dir), new RegExp(`: up \\(pid ${pid1}\\) \\d+ seconds\\n$`));
  // Hold for 1.5 s (several adoption polls): still exactly one copy, and it is the one shown.
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    assert.deepEqual(starts(dir), [pid1]);
    assert.equal(servicePid(dir), pid1);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The record the new supervise trusted: pid, start time, boot id, written by supervise only.
  assert.match(readFileSync(join(dir, 'supervise/run.id'), 'latin1'), new RegExp(`^${pid1} \\d+ [0-9a-f-]{36} *\\n$`));
  debianSvc(['-dx', dir]);
  assert.deepEqual(await second.exit, { code: 0, signal: null });
  await waitFor('the adopted copy stopped', () => !alive(pid1));
  assert.deepEqual(starts(dir), [pid1]);
});

test('issue 20.2: adopted ./run gone while a background child lives on: down at once, svc -d and SIGTERM end', async () => {
  const dir = makeService(tmp, 'adopt-orphan', 'echo $$ >> starts; sleep 977003 & echo $! > kid; exec sleep 977004');
  const first = supervise(dir);
  const pid1 = await waitFor('up', () => servicePid(dir));
  await waitFor(
    'kid recorded',
    () => existsSync(join(dir, 'kid')) && readFileSync(join(dir, 'kid'), 'utf8').endsWith('\n'),
  );
  const kid = Number(readFileSync(join(dir, 'kid'), 'utf8'));
  await killSupervise(first);
  const second = supervise(dir);
  await waitFor('adopted', () => readStatusJson(dir).supervisor === second.proc.pid);
  assert.match(debianSvstat(dir), new RegExp(`: up \\(pid ${pid1}\\) \\d+ seconds\\n$`));
  debianSvc(['-d', dir]);
  await waitFor('the adopted ./run gone', () => !alive(pid1));
  await waitFor('svstat says down', () => /: down \d+ seconds, normally up\n$/.test(debianSvstat(dir)), 10_000);
  assert.equal(servicePid(dir), 0);
  // 0.76: a plain svc -d leaves the rest of the group alone ...
  assert.ok(alive(kid));
  // ... a tree stop (supervise's SIGTERM) does not.
  second.proc.kill('SIGTERM');
  assert.deepEqual(await second.exit, { code: 0, signal: null });
  await waitFor('nothing left of the group', () => groupMembers(pid1).length === 0, 10_000);
  assert.deepEqual(starts(dir), [pid1]);
});

test('supervise killed between the spawn of ./run and its record: the next one finds that ./run in /proc', async () => {
  // What a supervise leaves when it dies right after posix_spawn: run.id still says `pending`,
  // and a ./run (a session leader working in DIR) runs unrecorded. Made by hand here.
  const dir = makeService(tmp, 'adopt-pending', 'echo $$ >> starts; exec sleep 1000');
  mkdirSync(join(dir, 'supervise'), { mode: 0o700 });
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  writeFileSync(join(dir, 'supervise/run.id'), `pending ${Date.now()} ${boot}`.padEnd(79) + '\n');
  const orphan = spawn('./run', [], { cwd: dir, detached: true, stdio: 'ignore' });
  orphan.unref();
  const pid1 = orphan.pid!;
  await waitFor('orphan ran', () => starts(dir).length === 1);
  const s = supervise(dir);
  await waitFor('adopted', () => readStatusJson(dir).supervisor === s.proc.pid && servicePid(dir) === pid1);
  assert.match(readFileSync(join(dir, 'supervise/run.id'), 'latin1'), new RegExp(`^${pid1} \\d+ ${boot} *\\n$`));
  const until = Date.now() + 1000;
  while (Date.now() < until) {
    assert.deepEqual(starts(dir), [pid1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  debianSvc(['-dx', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  await waitFor('orphan stopped', () => !alive(pid1));
  assert.deepEqual(starts(dir), [pid1]);
});
