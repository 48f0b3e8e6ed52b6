// SIGTERM, SIGALRM and the lock, ours and Debian's side by side where both should agree.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { expectedLines, lineWriterScript } from './fixtures.js';
import { debianCommand, exited, mkfifo, oldFiles, ourCommand, run, start } from './helpers.js';

const children: ChildProcess[] = [];
const fds: number[] = [];
const root = tempDir('multilog');
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const fd of fds.splice(0)) closeSync(fd);
});

interface Logger {
  child: ChildProcess;
  /** The test's own read-write end of the FIFO that is the logger's stdin. */
  fd: number;
  fifo: string;
  dir: string;
}

function startLogger(name: string, who: 'ours' | 'debian', script: string[]): Logger {
  const cwd = join(root, name);
  mkfifo(`${cwd}.fifo`);
  const fd = openSync(`${cwd}.fifo`, constants.O_RDWR);
  fds.push(fd);
  run(['/bin/mkdir', ['-p', cwd]], { cwd: root });
  const command = who === 'ours' ? ourCommand('multilog', script) : debianCommand('multilog', script);
  const child = start(command, cwd, [fd, 'ignore', 'pipe']);
  children.push(child);
  return { child, fd, fifo: `${cwd}.fifo`, dir: join(cwd, 'd') };
}

function current(dir: string): string {
  return readFileSync(join(dir, 'current'), 'latin1');
}

/** What is still unread in a FIFO (without blocking). */
function leftover(fifo: string): string {
  const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(65536);
  let out = '';
  try {
    for (;;) {
      const n = readSync(fd, buf);
      if (n === 0) break;
      out += buf.toString('latin1', 0, n);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
  } finally {
    closeSync(fd);
  }
  return out;
}

for (const who of ['ours', 'debian'] as const) {
  test(`${who}: SIGTERM between lines exits 0 and marks current complete (0744)`, async () => {
    const log = startLogger(`term-${who}`, who, ['./d']);
    writeSync(log.fd, 'one\n');
    await waitFor('the line in current', () => existsSync(join(log.dir, 'current')) && current(log.dir) === 'one\n');
    log.child.kill('SIGTERM');
    assert.equal(await exited(log.child), 0);
    assert.equal(statSync(join(log.dir, 'current')).mode & 0o777, 0o744);
  });

  test(`${who}: SIGALRM rotates a non-empty current`, async () => {
    const log = startLogger(`alarm-${who}`, who, ['./d']);
    writeSync(log.fd, 'one\n');
    await waitFor('the line in current', () => existsSync(join(log.dir, 'current')) && current(log.dir) === 'one\n');
    log.child.kill('SIGALRM');
    const [name] = await waitFor('a rotated file', () => {
      const olds = oldFiles(log.dir);
      return olds.length === 1 ? olds : undefined;
    });
    assert.match(name!, /^@[0-9a-f]{24}\.s$/);
    assert.equal(readFileSync(join(log.dir, name!), 'latin1'), 'one\n');
    assert.equal(statSync(join(log.dir, name!)).mode & 0o777, 0o744);
    writeSync(log.fd, 'two\n');
    await waitFor('the next line in a fresh current', () => current(log.dir) === 'two\n');
    assert.equal(statSync(join(log.dir, 'current')).mode & 0o777, 0o644);
    log.child.kill('SIGTERM');
    assert.equal(await exited(log.child), 0);
    assert.equal(oldFiles(log.dir).length, 1);
  });
}

for (const [holder, contender] of [
  ['ours', 'debian'],
  ['debian', 'ours'],
  ['ours', 'ours'],
] as const) {
  test(`a directory locked by ${holder}'s multilog: ${contender}'s exits 111 with the original message`, async () => {
    const log = startLogger(`lock-${holder}-${contender}`, holder, ['./d']);
    writeSync(log.fd, 'held\n');
    await waitFor('the holder to run', () => existsSync(join(log.dir, 'current')) && current(log.dir) === 'held\n');
    const command = contender === 'ours' ? ourCommand('multilog', ['./d']) : debianCommand('multilog', ['./d']);
    const r = run(command, { cwd: join(log.dir, '..'), input: '' });
    assert.equal(r.status, 111);
    assert.equal(r.stderr, 'multilog: fatal: unable to lock directory ./d: temporary failure\n');
    log.child.kill('SIGTERM');
    assert.equal(await exited(log.child), 0);
    assert.equal(current(log.dir), 'held\n');
  });
}

// Debian's keeps a partial line in memory, so only ours can be seen to have read it before the signal.
test('ours: SIGTERM in the middle of a line finishes that line; nothing is lost', async () => {
  const log = startLogger('midline-ours', 'ours', ['./d']);
  writeSync(log.fd, 'abc');
  await waitFor(
    'the partial line in current',
    () => existsSync(join(log.dir, 'current')) && current(log.dir) === 'abc',
  );
  log.child.kill('SIGTERM');
  writeSync(log.fd, 'def\nghi\n');
  assert.equal(await exited(log.child), 0);
  const logged = current(log.dir);
  assert.ok(logged.startsWith('abcdef\n'), logged);
  assert.equal(logged + leftover(log.fifo), 'abcdef\nghi\n');
});

test('ours: SIGTERM is acted on while input streams in without pause', async () => {
  const cwd = join(root, 'stream');
  run(['/bin/mkdir', ['-p', cwd]], { cwd: root });
  mkfifo(`${cwd}.fifo`);
  const fd = openSync(`${cwd}.fifo`, constants.O_RDWR);
  fds.push(fd);
  const child = start(ourCommand('multilog', ['s16777215', './d']), cwd, [fd, 'ignore', 'pipe']);
  children.push(child);
  const writer = start([process.execPath, ['-e', lineWriterScript(100_000_000, 9)]], cwd, ['ignore', fd, 'ignore']);
  children.push(writer);
  const dir = join(cwd, 'd');
  await waitFor(
    'a stream of lines',
    () => existsSync(join(dir, 'current')) && statSync(join(dir, 'current')).size > 1e6,
  );
  child.kill('SIGTERM');
  assert.equal(await exited(child), 0);
  writer.kill('SIGKILL');
  assert.equal(statSync(join(dir, 'current')).mode & 0o777, 0o744);
  const logged = readFileSync(join(dir, 'current'));
  assert.ok(logged.length > 1e6);
  assert.ok(logged.equals(expectedLines(logged.length / 10, 9)), 'the lines are whole, in order, each once');
});
