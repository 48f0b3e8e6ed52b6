// Actions beyond 0.76: `T` (local time as s6-log prints it), `1` (copy to stdout), `S` (total size), `a` (age).
import assert from 'node:assert/strict';
import { closeSync, constants, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { allContent, exited, mkfifo, oldFiles, ourCommand, run, start } from './helpers.js';

const root = tempDir('multilog');

const ISO = /^(\d{4}-\d\d-\d\d) \d\d:\d\d:\d\d\.\d{9} {2}/;

test('T stamps lines with local time in the layout of s6-log T', () => {
  const env = { ...process.env, TZ: 'UTC' };
  const r = run(ourCommand('multilog', ['T', './d', '1']), { cwd: root, input: 'one\ntwo\n', env });
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(join(root, 'd', 'current'), 'latin1').split('\n');
  assert.equal(lines.length, 3);
  for (const [i, word] of ['one', 'two'].entries()) {
    const m = ISO.exec(lines[i]!);
    assert.ok(m, lines[i]);
    assert.equal(lines[i]!.slice(m[0].length), word);
    const day = Date.parse(`${m[1]}T00:00:00Z`);
    assert.ok(Math.abs(day - Date.now()) < 2 * 86_400_000, `date ${m[1]} is not today`);
  }
  // s6-log's T gives the same layout: date, time with nanoseconds, two spaces.
  const s6 = run(['/usr/bin/s6-log', ['T', '1']], { cwd: root, input: 'one\n', env });
  assert.equal(s6.status, 0);
  const theirs = s6.stdout.toString('latin1');
  assert.match(theirs, ISO);
  assert.equal(ISO.exec(theirs)![0].length, ISO.exec(lines[0]!)![0].length);
});

test('T is honoured only as the first argument, like t', () => {
  const r = run(ourCommand('multilog', ['./d2', 'T']), { cwd: root, input: 'plain\n' });
  assert.equal(r.status, 0);
  assert.equal(readFileSync(join(root, 'd2', 'current'), 'latin1'), 'plain\n');
});

test('1 copies the lines selected at its position to standard output', () => {
  const input = 'info: a\nfatal: b\ninfo: c\nfatal: d\n';
  const r = run(ourCommand('multilog', ['t', '-*', '+* fatal: *', '1', './fatal', '+*', './all']), {
    cwd: root,
    input,
  });
  assert.equal(r.status, 0, r.stderr);
  const stdout = r.stdout.toString('latin1');
  assert.match(stdout, /^@[0-9a-f]{24} fatal: b\n@[0-9a-f]{24} fatal: d\n$/);
  assert.equal(readFileSync(join(root, 'fatal', 'current'), 'latin1'), stdout);
  assert.equal(readFileSync(join(root, 'all', 'current'), 'latin1').replace(/^@[0-9a-f]{24} /gm, ''), input);
});

test('1 alone passes input through unchanged, a partial last line gaining its newline', () => {
  const input = Buffer.concat([Buffer.from('a\n\n'), Buffer.from([0, 0xff, 10]), Buffer.from('x'.repeat(3000))]);
  const r = run(ourCommand('multilog', ['1']), { cwd: root, input });
  assert.equal(r.status, 0);
  assert.ok(r.stdout.equals(Buffer.concat([input, Buffer.from('\n')])));
});

test('1 with a closed standard output: one warning, the log directory still gets every line', () => {
  const input = 'x\n'.repeat(100_000);
  const [node, args] = ourCommand('multilog', ['1', './d3']);
  const r = run(['/bin/sh', ['-c', '"$@" | true', 'sh', node, ...args]], { cwd: root, input });
  assert.equal(
    r.stderr,
    'multilog: warning: unable to write to standard output, no longer copying lines to it: broken pipe\n',
  );
  assert.equal(allContent(join(root, 'd3')).toString('latin1'), input);
});

test('a1 rotates a current once its first line is a second old', async () => {
  const fifo = join(root, 'age.fifo');
  mkfifo(fifo);
  const fd = openSync(fifo, constants.O_RDWR);
  const child = start(ourCommand('multilog', ['a1', './age']), root, [fd, 'ignore', 'ignore']);
  try {
    const dir = join(root, 'age');
    writeSync(fd, 'one\n');
    await waitFor('the first rotation', () => oldFiles(dir).length === 1);
    assert.equal(readFileSync(join(dir, oldFiles(dir)[0]!), 'latin1'), 'one\n');
    assert.equal(readFileSync(join(dir, 'current'), 'latin1'), '');
    writeSync(fd, 'two\n');
    await waitFor('the second rotation', () => oldFiles(dir).length === 2);
    assert.equal(allContent(dir).toString(), 'one\ntwo\n');
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    closeSync(fd);
  }
});

test('S10000 keeps old files within 10000 bytes in all, deleting the oldest', () => {
  const input = `${Array.from({ length: 100 }, (_, i) => `line ${i} `.padEnd(600, 'x')).join('\n')}\n`;
  const r = run(ourCommand('multilog', ['s4096', 'S10000', 'n100', './total']), { cwd: root, input });
  assert.equal(r.status, 0, r.stderr);
  const dir = join(root, 'total');
  const olds = oldFiles(dir);
  const sizes = olds.map((n) => statSync(join(dir, n)).size);
  assert.ok(olds.length >= 2, olds.join(' '));
  assert.ok(sizes.reduce((a, b) => a + b, 0) <= 10000, sizes.join(' '));
  const kept = allContent(dir).toString();
  assert.ok(kept.length > 5000 && input.endsWith(kept), `the newest lines are kept whole (${kept.length} bytes)`);
});
