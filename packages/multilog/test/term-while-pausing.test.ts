// Issue 20.8: a multilog pausing on a step that keeps failing ends on SIGTERM: the pause ends at
// once, the step is tried once more, and then multilog exits 111 saying what it could not do.
// Input it had not written stays in the pipe for the next multilog. (Debian's ignores TERM here.)
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { exited, mkfifo, oldFiles, ourCommand, removeDir, start, tempDir, waitFor } from './helpers.js';

let root: string;
const children: ChildProcess[] = [];
const fds: number[] = [];
const mounts: string[] = [];
before(() => {
  root = tempDir();
});
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const fd of fds.splice(0)) closeSync(fd);
});
after(() => {
  for (const mnt of mounts) spawnSync('umount', ['-l', mnt]);
  removeDir(root);
});

interface Logger {
  child: ChildProcess;
  fd: number;
  cwd: string;
  stderr: () => string;
}

/** Our multilog in `root/name` reading a FIFO the test holds open read-write, as svscan does. */
function startLogger(name: string, script: string[], fifoFd?: number): Logger {
  const cwd = join(root, name);
  mkdirSync(cwd, { recursive: true });
  let fd = fifoFd;
  if (fd === undefined) {
    mkfifo(join(cwd, 'fifo'));
    fd = openSync(join(cwd, 'fifo'), constants.O_RDWR);
    fds.push(fd);
  }
  const child = start(ourCommand('multilog', script), cwd, [fd, 'ignore', 'pipe']);
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('latin1');
  });
  return { child, fd, cwd, stderr: () => stderr };
}

/** What waits unread in the FIFO (read through a non-blocking descriptor of its own). */
function unread(fd: number): string {
  const fifo = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(1 << 16);
  let n = 0;
  try {
    for (let got = 1; got > 0; n += got) got = readSync(fifo, buf, n, buf.length - n, null);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
  } finally {
    closeSync(fifo);
  }
  return buf.toString('latin1', 0, n);
}

test('a full disk: TERM during the pause ends it; the lines not written stay in the pipe', {
  timeout: 120_000,
}, async () => {
  const mnt = join(root, 'full', 'mnt');
  mkdirSync(mnt, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0755', 'tmpfs', mnt], { encoding: 'latin1' });
  assert.equal(r.status, 0, `mount: ${r.stderr}`);
  mounts.push(mnt);
  const log = startLogger('full', ['s4096', 'n1000', './mnt/log']);
  // Less than the FIFO holds (64 KiB): a paused multilog takes nothing out, so more would block the test.
  const lines = Array.from({ length: 1200 }, (_, i) => `${String(i).padStart(6, '0')} ${'x'.repeat(40)}\n`).join('');
  writeSync(log.fd, lines);
  await waitFor('the out-of-space warning', () =>
    log.stderr().includes('multilog: warning: unable to write to ./mnt/log/current, pausing: out of disk space\n'),
  );
  log.child.kill('SIGTERM');
  assert.equal(await exited(log.child), 111);
  const last = log.stderr().split('\n').filter(Boolean).at(-1)!;
  assert.match(
    last,
    /^multilog: fatal: unable to write to \.\/mnt\/log\/current: out of disk space; stopping on SIGTERM with up to \d+ bytes of input not written \(left in the pipe\)$/,
  );
  // current was not marked complete: the next start keeps it as a .u file.
  assert.equal(statSync(join(mnt, 'log', 'current')).mode & 0o777, 0o644);
  // Space comes back; the next multilog gets every line that was not written.
  assert.equal(spawnSync('mount', ['-o', 'remount,size=8m', mnt]).status, 0);
  const next = startLogger('full', ['s4096', 'n1000', './mnt/log'], log.fd);
  await waitFor('the last line logged', () => readFileSync(join(mnt, 'log', 'current'), 'latin1').includes('001199 '));
  next.child.kill('SIGTERM');
  assert.equal(await exited(next.child), 0);
  const dir = join(mnt, 'log');
  const logged = [...oldFiles(dir), 'current'].map((n) => readFileSync(join(dir, n), 'latin1')).join('');
  // Every line is there, in order; a line the full disk cut short appears again whole.
  const numbers = logged
    .split('\n')
    .filter((l) => /^\d{6} x{40}$/.test(l))
    .map((l) => Number(l.slice(0, 6)));
  assert.deepEqual(
    [...new Set(numbers)],
    Array.from({ length: 1200 }, (_, i) => i),
  );
  assert.equal(next.stderr(), '');
});

test('=/proc/version: TERM ends the retries; the line stays in the pipe', { timeout: 120_000 }, async () => {
  const log = startLogger('proc', ['=/proc/version', './d']);
  writeSync(log.fd, 'hello\n');
  await waitFor('the write warning', () =>
    log.stderr().includes('multilog: warning: unable to write /proc/version, pausing: '),
  );
  log.child.kill('SIGTERM');
  assert.equal(await exited(log.child), 111);
  assert.match(
    log.stderr(),
    /\nmultilog: fatal: unable to write \/proc\/version: [^;]+; stopping on SIGTERM with up to 6 bytes of input not written \(left in the pipe\)\n$/,
  );
  assert.equal(readFileSync(join(log.cwd, 'd', 'current'), 'latin1'), '');
  assert.equal(statSync(join(log.cwd, 'd', 'current')).mode & 0o777, 0o744);
  assert.equal(unread(log.fd), 'hello\n');
});

test('a missing processor: TERM ends the retries; previous becomes a .u file at the next start', {
  timeout: 120_000,
}, async () => {
  const log = startLogger('processor', ['s4096', '!./no-such-processor', './d']);
  const lines = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(6, '0')} ${'y'.repeat(40)}\n`).join('');
  writeSync(log.fd, lines);
  await waitFor('the processor warning', () =>
    log.stderr().includes('multilog: warning: processor failed in ./d, pausing\n'),
  );
  log.child.kill('SIGTERM');
  assert.equal(await exited(log.child), 111);
  assert.match(
    log.stderr(),
    /\nmultilog: fatal: processor failed in \.\/d; stopping on SIGTERM with up to \d+ bytes of input not written \(left in the pipe\)\n$/,
  );
  const dir = join(log.cwd, 'd');
  const previous = readFileSync(join(dir, 'previous'), 'latin1');
  // The next multilog (without the processor) keeps previous as .u and logs what was left.
  const next = startLogger('processor', ['s4096', './d'], log.fd);
  await waitFor('the last line logged', () => readFileSync(join(dir, 'current'), 'latin1').includes('000099 '));
  next.child.kill('SIGTERM');
  assert.equal(await exited(next.child), 0);
  const olds = oldFiles(dir);
  assert.ok(olds[0]!.endsWith('.u'), olds.join(' '));
  assert.equal(readFileSync(join(dir, olds[0]!), 'latin1'), previous);
  const logged = [...olds, 'current'].map((n) => readFileSync(join(dir, n), 'latin1')).join('');
  const numbers = logged
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.slice(0, 6)));
  assert.deepEqual(
    [...new Set(numbers)],
    Array.from({ length: 100 }, (_, i) => i),
  );
});
