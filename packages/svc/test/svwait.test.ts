// svwait and svc -w against real supervisors: subscribed before the command, woken by the
// events (sent here by Debian's s6-ftrig-notify or core's notifyFifodir), never polling.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeFifodir, notifyFifodir } from '@fortress/core/fifodir';
import {
  killQuietly,
  makeService,
  OUR_BIN,
  OUR_SUPERVISE_BUILT,
  ours,
  RunningSupervise,
  removeDir,
  SLEEP_RUN,
  tempDir,
  waitFor,
} from './helpers.js';

const tmp = tempDir();
const started: RunningSupervise[] = [];
const waiters: ChildProcess[] = [];
after(async () => {
  for (const w of waiters) if (w.exitCode === null && w.signalCode === null) killQuietly(w.pid ?? 0, 'SIGKILL');
  for (const s of started) await s.stop();
  removeDir(tmp);
});

let count = 0;
async function supervised(run = SLEEP_RUN, down = false): Promise<{ dir: string; sup: RunningSupervise }> {
  const dir = makeService(tmp, `sv${count++}`, run, down);
  const sup = new RunningSupervise('ours', dir);
  started.push(sup);
  await sup.ready();
  makeFifodir(join(dir, 'event')); // supervise makes it too once it sends events
  if (!down) await sup.up();
  return { dir, sup };
}

interface Finished {
  status: number | null;
  stderr: string;
}

/** Starts a waiting program; resolves when it exits. */
function start(program: string, args: string[]): { done: Promise<Finished>; child: ChildProcess } {
  const child = spawn(process.execPath, [join(OUR_BIN, `${program}.js`), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  waiters.push(child);
  let stderr = '';
  child.stderr?.setEncoding('latin1').on('data', (d: string) => {
    stderr += d;
  });
  const done = new Promise<Finished>((resolve) => child.on('exit', (status) => resolve({ status, stderr })));
  return { done, child };
}

const subscribers = (dir: string): number =>
  readdirSync(join(dir, 'event')).filter((name) => name.startsWith('ftrig1')).length;

test('svwait -u on a service already up returns 0 at once (the status is read after subscribing)', {
  skip: !OUR_SUPERVISE_BUILT,
}, async () => {
  const { dir } = await supervised();
  assert.deepEqual(ours('svwait', ['-u', dir]), { status: 0, stdout: '', stderr: '' });
  assert.deepEqual(ours('svwait', [dir]), { status: 0, stdout: '', stderr: '' }, '-u is the default');
  assert.equal(subscribers(dir), 0, 'the FIFO is removed on exit');
});

test('svwait -d on an up service times out with 99 after -T ms, and says so', {
  skip: !OUR_SUPERVISE_BUILT,
}, async () => {
  const { dir } = await supervised();
  assert.deepEqual(ours('svwait', ['-d', '-T', '200', dir]), {
    status: 99,
    stdout: '',
    stderr: `svwait: fatal: unable to wait for ${dir}: timed out\n`,
  });
});

test('an event wakes the waiter: u for -u and -r, U for -U and -R, O fails (1), x is gone (102)', {
  skip: !OUR_SUPERVISE_BUILT,
}, async () => {
  const { dir } = await supervised(SLEEP_RUN, true);
  assert.deepEqual(ours('svwait', ['-D', dir]), { status: 0, stdout: '', stderr: '' }, 'down already');
  assert.deepEqual(ours('svwait', ['-d', dir]), { status: 0, stdout: '', stderr: '' }, 'down already');
  const cases: Array<[string, string, number]> = [
    ['-u', 'u', 0],
    ['-U', 'U', 0],
    ['-r', 'u', 0],
    ['-R', 'U', 0],
    ['-u', 'O', 1],
    ['-U', 'x', 102],
  ];
  for (const [option, event, status] of cases) {
    const { done } = start('svwait', [option, '-T', '60000', dir]);
    await waitFor('svwait to subscribe', () => subscribers(dir) === 1);
    assert.equal(notifyFifodir(join(dir, 'event'), 's'), 1, 'an event that does not matter');
    assert.equal(notifyFifodir(join(dir, 'event'), event), 1);
    const result = await done;
    assert.equal(result.status, status, `svwait ${option} after ${event}: ${result.stderr}`);
    if (status === 1) assert.equal(result.stderr, `svwait: fatal: unable to wait for ${dir}: failed permanently\n`);
    if (status === 102) assert.equal(result.stderr, `svwait: fatal: unable to wait for ${dir}: supervise went away\n`);
  }
});

test('-d returns on the d event, -D only on the D event that follows it', { skip: !OUR_SUPERVISE_BUILT }, async () => {
  const { dir } = await supervised();
  const down = start('svwait', ['-d', dir]);
  const reallyDown = start('svwait', ['-D', dir]);
  await waitFor('both to subscribe', () => subscribers(dir) === 2);
  notifyFifodir(join(dir, 'event'), 'd');
  assert.deepEqual(await down.done, { status: 0, stderr: '' });
  assert.equal(reallyDown.child.exitCode, null, '-D still waits for ./finish');
  notifyFifodir(join(dir, 'event'), 'D');
  assert.deepEqual(await reallyDown.done, { status: 0, stderr: '' });
});

test("Debian's s6-ftrig-notify wakes svwait (same fifodir protocol)", {
  skip: !OUR_SUPERVISE_BUILT || !existsSync('/usr/bin/s6-ftrig-notify'),
}, async () => {
  const { dir } = await supervised(SLEEP_RUN, true);
  const { done } = start('svwait', ['-U', dir]);
  await waitFor('svwait to subscribe', () => subscribers(dir) === 1);
  const notify = spawn('/usr/bin/s6-ftrig-notify', [join(dir, 'event'), 'U']);
  await new Promise((resolve) => notify.on('exit', resolve));
  assert.equal((await done).status, 0);
});

test('supervise SIGKILLed while svwait waits: 102 at once, without an x event', {
  skip: !OUR_SUPERVISE_BUILT,
}, async () => {
  const { dir, sup } = await supervised();
  const { done } = start('svwait', ['-d', dir]);
  await waitFor('svwait to subscribe', () => subscribers(dir) === 1);
  killQuietly(sup.child.pid ?? 0, 'SIGKILL');
  const result = await done;
  assert.deepEqual(result, { status: 102, stderr: `svwait: fatal: unable to wait for ${dir}: supervise went away\n` });
});

test('-a waits for every DIR, -o for one of them', { skip: !OUR_SUPERVISE_BUILT }, async () => {
  const { dir: a } = await supervised(SLEEP_RUN, true);
  const { dir: b } = await supervised(SLEEP_RUN, true);
  const all = start('svwait', ['-U', '-a', a, b]);
  const one = start('svwait', ['-U', '-o', a, b]);
  await waitFor('both to subscribe', () => subscribers(a) === 2 && subscribers(b) === 2);
  notifyFifodir(join(a, 'event'), 'U');
  assert.equal((await one.done).status, 0);
  assert.equal(all.child.exitCode, null, '-a still waits for b');
  notifyFifodir(join(b, 'event'), 'U');
  assert.equal((await all.done).status, 0);
});

test('no supervisor: 102; no event directory: 111; usage: 100; no DIR: 0', async () => {
  const plain = join(tmp, 'plain');
  mkdirSync(join(plain, 'supervise'), { recursive: true });
  makeFifodir(join(plain, 'event'));
  assert.deepEqual(ours('svwait', ['-u', plain]), {
    status: 102,
    stdout: '',
    stderr: `svwait: fatal: unable to wait for ${plain}: supervise not running\n`,
  });
  const noEvents = join(tmp, 'noevents');
  mkdirSync(noEvents);
  assert.deepEqual(ours('svwait', ['-u', noEvents]), {
    status: 111,
    stdout: '',
    stderr: `svwait: fatal: unable to subscribe to events for ${noEvents}: file does not exist\n`,
  });
  const usage = 'svwait: usage: svwait [-u|-U|-d|-D|-r|-R] [-a|-o] [-T ms] dir ...\n';
  for (const [args, why] of [
    [['-z', plain], 'illegal option -- z'],
    [['-T'], 'option requires an argument -- T'],
    [['-T', 'x', plain], 'bad timeout -- x'],
  ] as const) {
    assert.deepEqual(ours('svwait', [...args]), { status: 100, stdout: '', stderr: `svwait: ${why}\n${usage}` });
  }
  assert.deepEqual(ours('svwait', ['-u']), { status: 0, stdout: '', stderr: '' });
});

test('svc -wd -d: subscribes, sends d, and returns once the d event comes', {
  skip: !OUR_SUPERVISE_BUILT,
}, async () => {
  const { dir } = await supervised();
  const { done } = start('svc', ['-wd', '-T', '60000', '-d', dir]);
  // The service goes down by the command; the waiter then learns it from the status or the event.
  await waitFor('down', () => ours('svstat', [dir]).stdout.includes(': down'));
  notifyFifodir(join(dir, 'event'), 'd');
  assert.deepEqual(await done, { status: 0, stderr: '' });
  assert.equal(subscribers(dir), 0);
});

test('svc -u -wu where no supervise runs: 102 before anything is sent', async () => {
  const plain = join(tmp, 'plain2');
  mkdirSync(join(plain, 'supervise'), { recursive: true });
  makeFifodir(join(plain, 'event'));
  const r = ours('svc', ['-u', '-wu', plain]);
  assert.equal(r.status, 102);
  assert.equal(r.stderr, `svc: fatal: unable to wait for ${plain}: supervise not running\n`);
});

test("svdt prints the death tally as Debian's s6-svdt does; usage 100; no tally 111", async (t) => {
  const { appendDeath } = await import('@fortress/core/death-tally');
  const dir = join(tmp, 'dt');
  mkdirSync(join(dir, 'supervise'), { recursive: true });
  appendDeath(join(dir, 'supervise'), { at: { seconds: 1_800_000_000, nanoseconds: 1 }, code: null, signal: 9 }, 100);
  appendDeath(join(dir, 'supervise'), { at: { seconds: 1_800_000_001, nanoseconds: 2 }, code: 7, signal: null }, 100);
  const want = '@400000006b49d20a00000001 signal SIGKILL\n@400000006b49d20b00000002 exitcode 7\n';
  assert.deepEqual(ours('svdt', [dir]), { status: 0, stdout: want, stderr: '' });
  assert.deepEqual(ours('svdt', []), { status: 100, stdout: '', stderr: 'svdt: usage: svdt dir\n' });
  assert.deepEqual(ours('svdt', [join(tmp, 'none')]), {
    status: 111,
    stdout: '',
    stderr: `svdt: fatal: unable to read ${join(tmp, 'none')}/supervise/death_tally: file does not exist\n`,
  });
  if (!existsSync('/usr/bin/s6-svdt')) return t.skip('s6 is not installed');
  const { spawnSync } = await import('node:child_process');
  assert.equal(spawnSync('/usr/bin/s6-svdt', [dir], { encoding: 'utf8' }).stdout, want);
});
