// A processor that fails or crashes: multilog warns, pauses, runs it again, and loses nothing.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { allContent, exited, oldFiles, ourCommand, run, start } from './helpers.js';

const root = tempDir('multilog');

const input = Array.from({ length: 60 }, (_, i) => `line ${i} `.padEnd(600, 'x')).join('\n') + '\n';

for (const [how, action, warning] of [
  ['fails', 'exit 3', 'multilog: warning: processor failed in ./d, pausing\n'],
  ['crashes', 'kill -9 $$', 'multilog: warning: processor crashed in ./d, pausing: killed by SIGKILL\n'],
] as const) {
  test(`a processor that ${how} once is run again after a pause`, () => {
    const cwd = join(root, how);
    run(['/bin/mkdir', ['-p', cwd]], { cwd: root });
    writeFileSync(join(cwd, 'fail-once'), '');
    // Runs in the log directory; the first run removes the marker and fails.
    const processor = `!if [ -e ../fail-once ]; then rm ../fail-once; ${action}; fi; cat; echo ok >&5`;
    const r = run(ourCommand('multilog', ['s8192', 'n100', processor, './d']), { cwd, input });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, warning);
    assert.equal(existsSync(join(cwd, 'fail-once')), false);
    const dir = join(cwd, 'd');
    assert.ok(oldFiles(dir).length >= 3);
    assert.equal(allContent(dir).toString(), input);
    assert.equal(readFileSync(join(dir, 'state'), 'latin1'), 'ok\n');
    for (const leftover of ['previous', 'processed', 'newstate']) assert.equal(existsSync(join(dir, leftover)), false);
  });
}

test('an interrupted processor run is recovered at start-up: previous becomes .u', () => {
  const cwd = join(root, 'recover');
  const dir = join(cwd, 'd');
  run(['/bin/mkdir', ['-p', dir]], { cwd: root });
  writeFileSync(join(dir, 'previous'), 'unprocessed\n', { mode: 0o744 });
  writeFileSync(join(dir, 'processed'), 'half', { mode: 0o644 });
  writeFileSync(join(dir, 'current'), 'interrupted\n', { mode: 0o644 });
  writeFileSync(join(dir, 'newstate'), 'x');
  const r = run(ourCommand('multilog', ['./d']), { cwd, input: 'new\n' });
  assert.equal(r.status, 0, r.stderr);
  const olds = oldFiles(dir);
  assert.deepEqual(
    olds.map((n) => n.slice(25)),
    ['.u', '.u'],
  );
  assert.equal(readFileSync(join(dir, olds[0]!), 'latin1'), 'unprocessed\n');
  assert.equal(readFileSync(join(dir, olds[1]!), 'latin1'), 'interrupted\n');
  assert.equal(readFileSync(join(dir, 'current'), 'latin1'), 'new\n');
  for (const gone of ['previous', 'processed', 'newstate']) assert.equal(existsSync(join(dir, gone)), false);
});

test('a completed processed file found at start-up becomes .s', () => {
  const cwd = join(root, 'recover2');
  const dir = join(cwd, 'd');
  run(['/bin/mkdir', ['-p', dir]], { cwd: root });
  writeFileSync(join(dir, 'previous'), 'raw\n', { mode: 0o744 });
  writeFileSync(join(dir, 'processed'), 'RAW\n', { mode: 0o744 });
  const r = run(ourCommand('multilog', ['./d']), { cwd, input: '' });
  assert.equal(r.status, 0, r.stderr);
  const olds = oldFiles(dir);
  assert.equal(olds.length, 1);
  assert.match(olds[0]!, /\.s$/);
  assert.equal(readFileSync(join(dir, olds[0]!), 'latin1'), 'RAW\n');
  assert.equal(existsSync(join(dir, 'previous')), false);
});

test('the processor gets previous on fd 0, processed on 1, state on 4, newstate on 5, and not the lock', async () => {
  const cwd = join(root, 'fds');
  run(['/bin/mkdir', ['-p', cwd]], { cwd: root });
  // The processor waits, so the test can look at its descriptors from outside.
  const processor = '!echo $$ > ../pid; while [ ! -e ../go ]; do sleep 0.05; done; cat';
  const child = start(ourCommand('multilog', ['s4096', 'n100', processor, './d']), cwd, ['pipe', 'ignore', 'ignore']);
  try {
    child.stdin?.end(input);
    const pid = await waitFor('the processor', () => {
      const text = existsSync(join(cwd, 'pid')) ? readFileSync(join(cwd, 'pid'), 'latin1') : '';
      return text.endsWith('\n') ? text.trim() : undefined;
    });
    const table = new Map(readdirSync(`/proc/${pid}/fd`).map((fd) => [fd, readlinkSync(`/proc/${pid}/fd/${fd}`)]));
    writeFileSync(join(cwd, 'go'), '');
    const dir = join(cwd, 'd');
    assert.equal(table.get('0'), join(dir, 'previous'));
    assert.equal(table.get('1'), join(dir, 'processed'));
    assert.equal(table.get('4'), join(dir, 'state'));
    assert.equal(table.get('5'), join(dir, 'newstate'));
    assert.equal(table.has('3'), false);
    assert.ok(![...table.values()].some((t) => t.endsWith('/lock')), [...table.entries()].join('\n'));
    assert.equal(await exited(child), 0);
    assert.equal(allContent(dir).toString(), input);
  } finally {
    writeFileSync(join(cwd, 'go'), '');
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
