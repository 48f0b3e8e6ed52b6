import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FIFODIR_MODE, makeFifodir, notifyFifodir, Subscription } from '@fortress/core/fifodir';
import { mkfifo } from '@fortress/core/libc';
import { waitFor } from '@fortress/core/wait-for';

const tmp = mkdtempSync(join(tmpdir(), 'fortress-fifodir-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const dir = join(tmp, `event${n++}`);
  makeFifodir(dir);
  return dir;
};

test('makeFifodir makes s6 mode 3730 (drwx-ws--T) whatever the umask, and leaves an existing one alone', () => {
  const old = process.umask(0o077);
  try {
    const dir = fresh();
    assert.equal(lstatSync(dir).mode & 0o7777, FIFODIR_MODE);
    assert.equal(FIFODIR_MODE, 0o3730);
    const spawned = spawnSync('stat', ['-c', '%A', dir], { encoding: 'utf8' });
    assert.equal(spawned.stdout.trim(), 'drwx-ws--T');
    const other = join(tmp, 'kept');
    require0755(other);
    makeFifodir(other);
    assert.equal(lstatSync(other).mode & 0o7777, 0o755);
    writeFileSync(join(tmp, 'plain'), '');
    assert.throws(() => makeFifodir(join(tmp, 'plain')), { code: 'ENOTDIR' });
  } finally {
    process.umask(old);
  }
});

function require0755(path: string): void {
  spawnSync('mkdir', ['-m', '755', path]);
}

test('a subscriber gets every byte notified after it subscribed, and its FIFO goes on close', () => {
  const dir = fresh();
  assert.equal(notifyFifodir(dir, 'u'), 0, 'nobody to tell yet');
  const a = Subscription.subscribe(dir);
  const b = Subscription.subscribe(dir);
  assert.match(a.path.slice(dir.length + 1), /^ftrig1:@[0-9a-f]{24}:[A-Z0-9]{6}$/);
  assert.equal(lstatSync(a.path).mode & 0o777, 0o600);
  assert.equal(a.read(), '');
  assert.equal(notifyFifodir(dir, 's'), 2);
  assert.equal(notifyFifodir(dir, 'u'), 2);
  assert.equal(notifyFifodir(dir, 0x55), 2);
  assert.equal(a.read(), 'suU');
  assert.equal(b.read(), 'suU');
  a.close();
  assert.equal(existsSync(a.path), false);
  assert.equal(notifyFifodir(dir, 'd'), 1);
  assert.equal(b.read(), 'd');
  b.close();
  assert.deepEqual(readdirSync(dir), []);
});

test('a FIFO whose waiter died (nobody reads it) is removed by the next notification', () => {
  const dir = fresh();
  const stale = join(dir, 'ftrig1:@400000006b11c140123e7933:DEADXX');
  mkfifo(stale, 0o600);
  const live = Subscription.subscribe(dir);
  assert.equal(notifyFifodir(dir, 'x'), 1);
  assert.equal(existsSync(stale), false);
  assert.equal(live.read(), 'x');
  live.close();
});

test('never writes into a regular file or through a symlink placed in the fifodir; ignores other names', () => {
  const dir = fresh();
  const victim = join(tmp, 'victim');
  writeFileSync(victim, 'intact');
  writeFileSync(join(dir, 'ftrig1:file'), 'intact');
  symlinkSync(victim, join(dir, 'ftrig1:link'));
  const other = join(dir, 'notours');
  mkfifo(other, 0o600);
  assert.equal(notifyFifodir(dir, 'u'), 0);
  assert.equal(readFileSync(victim, 'utf8'), 'intact');
  assert.equal(readFileSync(join(dir, 'ftrig1:file'), 'utf8'), 'intact');
  assert.equal(existsSync(other), true);
});

test('a FIFO being made (its dot-name) is skipped by notifiers, never removed as a dead waiter', () => {
  const dir = fresh();
  const making = join(dir, '.ftrig1:@400000006b11c140123e7933:NEWONE');
  mkfifo(making, 0o600);
  assert.equal(notifyFifodir(dir, 'u'), 0);
  assert.equal(existsSync(making), true);
});

test('a missing fifodir: notify tells nobody, subscribe throws ENOENT', () => {
  assert.equal(notifyFifodir(join(tmp, 'none'), 'u'), 0);
  assert.throws(() => Subscription.subscribe(join(tmp, 'none')), { code: 'ENOENT' });
});

test("s6's tools and ours work on one another's fifodirs (Debian's s6-ftrig-notify, s6-ftrig-wait)", async (t) => {
  if (!existsSync('/usr/bin/s6-ftrig-notify')) return t.skip('s6 is not installed');
  const dir = fresh();
  const sub = Subscription.subscribe(dir);
  const notify = spawnSync('/usr/bin/s6-ftrig-notify', [dir, 'uU']);
  assert.equal(notify.status, 0, String(notify.stderr));
  assert.equal(sub.read(), 'uU');
  sub.close();

  const waiter = spawn('/usr/bin/s6-ftrig-wait', ['-t', '60000', dir, 'U'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  waiter.stdout.on('data', (chunk: Buffer) => {
    out += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => waiter.on('exit', (code) => resolve(code)));
  try {
    await waitFor('s6-ftrig-wait to subscribe', () => readdirSync(dir).length === 1);
    assert.equal(notifyFifodir(dir, 'U'), 1);
    assert.equal(await exited, 0);
    assert.equal(out, 'U\n');
  } finally {
    if (waiter.exitCode === null) waiter.kill('SIGKILL');
  }
});
