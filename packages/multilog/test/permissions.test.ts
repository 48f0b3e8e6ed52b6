// Directories multilog cannot write: start-up errors as the original reports them, and a directory
// that becomes unwritable while running (pause, retry, nothing lost). As root permission checks are
// bypassed, the programs run as `nobody`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { allContent, debianCommand, exited, mkfifo, oldFiles, ourCommand, run, testAccount } from './helpers.js';

const nobody = testAccount('nobody');
const root = tempDir('multilog');

for (const [what, script, message] of [
  ['a directory it cannot write', ['./ro'], 'multilog: fatal: unable to lock directory ./ro: access denied\n'],
  [
    'a directory it cannot create',
    ['./ro/sub'],
    'multilog: fatal: unable to open directory ./ro/sub: file does not exist\n',
  ],
  ['a status file it cannot create', ['=ro/st'], 'multilog: fatal: unable to create ro/st: access denied\n'],
] as const) {
  test(`${what}: exit 111 with the original's message`, () => {
    const cwd = join(root, what.replace(/ /g, '-'));
    mkdirSync(join(cwd, 'ro'), { recursive: true, mode: 0o755 });
    chmodSync(join(cwd, 'ro'), 0o755);
    for (const command of [ourCommand('multilog', [...script]), debianCommand('multilog', [...script])]) {
      const r = run(command, { cwd, input: '', uid: nobody.uid, gid: nobody.gid });
      assert.equal(r.status, 111, command[0]);
      assert.equal(r.stderr, message, command[0]);
    }
  });
}

test('a log directory that turns read-only while running: warning, pause, retry, nothing lost', async () => {
  const cwd = join(root, 'turns-ro');
  mkdirSync(cwd);
  chownSync(cwd, nobody.uid, nobody.gid);
  const fifo = join(root, 'turns-ro.fifo');
  mkfifo(fifo);
  chownSync(fifo, nobody.uid, nobody.gid);
  const fd = openSync(fifo, constants.O_RDWR);
  const [node, args] = ourCommand('multilog', ['s4096', 'n100', './d']);
  let child: ChildProcess | undefined;
  let stderr = '';
  try {
    child = spawn(node, args, { cwd, stdio: [fd, 'ignore', 'pipe'], uid: nobody.uid, gid: nobody.gid });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('latin1');
    });
    const line = (i: number) => `line ${String(i).padStart(4, '0')} `.padEnd(99, '-') + '\n';
    let written = '';
    for (let i = 0; i < 10; i++) written += line(i);
    writeSync(fd, written);
    const dir = join(cwd, 'd');
    await waitFor('the first lines', () => allContent(dir).length === written.length);
    chmodSync(dir, 0o500);
    let more = '';
    for (let i = 10; i < 60; i++) more += line(i);
    writeSync(fd, more);
    written += more;
    await waitFor('the pause warning', () =>
      stderr.includes(
        'multilog: warning: unable to rename current to previous in directory ./d, pausing: access denied\n',
      ),
    );
    chmodSync(dir, 0o700);
    await waitFor('every line', () => allContent(dir).length === written.length);
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.equal(allContent(dir).toString(), written);
    assert.ok(oldFiles(dir).length >= 1);
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    closeSync(fd);
  }
});
