// Control bytes beyond the basics: x alone, o (once), d on a paused service (TERM then CONT),
// q 1 2 w h a i signals, and a dangling `supervise` symlink (Debian's behaviour).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  alive,
  debianSvc,
  debianSvstat,
  makeService,
  readStatusJson,
  sendControl,
  servicePid,
  superviseLab,
  waitFor,
} from './helpers.js';

const { tmp, supervise } = superviseLab();

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);

test('x alone leaves the service running; supervise exits when it dies, without restarting it', async () => {
  const dir = makeService(tmp, 'x-alone', 'echo $$ >> starts; exec sleep 1000');
  const s = supervise(dir);
  const pid = await waitFor('up', () => servicePid(dir));
  // x rewrites the status (a new file renamed over the old: a new inode), and nothing else.
  const inode = statSync(join(dir, 'supervise/status')).ino;
  sendControl(dir, 'x');
  await waitFor('x read', () => statSync(join(dir, 'supervise/status')).ino !== inode);
  assert.ok(alive(pid));
  assert.equal(s.proc.exitCode, null);
  assert.match(debianSvstat(dir), new RegExp(`: up \\(pid ${pid}\\)`));
  await waitFor('run wrote its pid', () => lines(join(dir, 'starts')).length === 1);
  sendControl(dir, 'k');
  assert.deepEqual(await s.exit, { code: 0, signal: null });
  assert.deepEqual(lines(join(dir, 'starts')), [String(pid)]);
});

test('o: started once, not restarted; status want byte 0', async () => {
  const dir = makeService(tmp, 'once', 'echo $$ >> starts; exec sleep 1000', { down: '' });
  const s = supervise(dir);
  await waitFor('ok', () => existsSync(join(dir, 'supervise/status')));
  sendControl(dir, 'o');
  const pid = await waitFor('up', () => servicePid(dir));
  assert.equal(readFileSync(join(dir, 'supervise/status'))[17], 0);
  sendControl(dir, 'k');
  await waitFor('down', () => servicePid(dir) === 0);
  assert.equal(readStatusJson(dir).lastExit?.signal, 'SIGKILL');
  assert.match(debianSvstat(dir), /: down \d+ seconds\n$/);
  // Hold past the 1 s pacing: no restart.
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    assert.equal(servicePid(dir), 0, 'restarted after o');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(lines(join(dir, 'starts')).length, 1);
  // u now restarts it as usual.
  sendControl(dir, 'u');
  await waitFor('up again', () => servicePid(dir) > 0 && servicePid(dir) !== pid);
  await waitFor('two starts', () => lines(join(dir, 'starts')).length === 2);
  debianSvc(['-dx', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
});

test('d on a paused service: TERM then CONT stops it', async () => {
  const dir = makeService(tmp, 'paused-down', 'exec sleep 1000');
  const s = supervise(dir);
  const pid = await waitFor('up', () => servicePid(dir));
  sendControl(dir, 'p');
  await waitFor('stopped', () => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.startsWith('T'));
  sendControl(dir, 'd');
  await waitFor('down', () => servicePid(dir) === 0);
  assert.equal(readStatusJson(dir).lastExit?.signal, 'SIGTERM');
  assert.equal(alive(pid), false);
  debianSvc(['-x', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
});

test('q 1 2 w h a i deliver QUIT USR1 USR2 WINCH HUP ALRM INT', async () => {
  const traps = ['QUIT', 'USR1', 'USR2', 'WINCH', 'HUP', 'ALRM', 'INT']
    .map((sig) => `trap 'echo ${sig} >> got' ${sig}`)
    .join('\n');
  const dir = makeService(tmp, 'signals', `${traps}\necho ready > ready\nwhile :; do sleep 0.1; done`);
  const s = supervise(dir);
  const pid = await waitFor('up', () => servicePid(dir));
  await waitFor('ready', () => existsSync(join(dir, 'ready')));
  const want = ['QUIT', 'USR1', 'USR2', 'WINCH', 'HUP', 'ALRM', 'INT'];
  const letters = 'q12whai';
  for (let i = 0; i < letters.length; i++) {
    sendControl(dir, letters[i]!);
    await waitFor(`${want[i]} delivered`, () => lines(join(dir, 'got')).length === i + 1);
  }
  assert.deepEqual(lines(join(dir, 'got')), want);
  assert.equal(servicePid(dir), pid, 'the same process got every signal');
  debianSvc(['-dx', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
});

test('dangling supervise symlink: its target is created (as Debian supervise does)', async () => {
  const dir = makeService(tmp, 'symlinked', 'exec sleep 1000');
  const target = join(tmp, 'state', 'symlinked');
  symlinkSync(target, join(dir, 'supervise'));
  const s = supervise(dir);
  await waitFor('up', () => servicePid(dir) > 0);
  assert.ok(statSync(join(target, 'status')).isFile());
  assert.ok(statSync(join(target, 'control')).isFIFO());
  debianSvc(['-dx', dir]);
  assert.deepEqual(await s.exit, { code: 0, signal: null });
});
