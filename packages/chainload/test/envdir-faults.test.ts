// Issue 20.4: envdir and envfile on what a fault run put in their way (dangling symlinks,
// FIFOs, names and values that are not UTF-8), beside Debian's envdir. Output is compared as
// bytes, so a name or value that is not UTF-8 must come out exactly as it went in.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mkfifo } from '@fortress/core/libc';
import { debian, ours, removeDir, tempDir } from './helpers.js';

const root = tempDir('envdir-faults');
after(() => removeDir(root));

interface ByteOutcome {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs `sh -c SCRIPT "$@"` (so the environment can hold bytes), collecting output as bytes. */
function sh(script: string, argv: readonly string[]): Promise<ByteOutcome> {
  const child = spawn('/bin/sh', ['-c', script, 'sh', ...argv], {
    env: { PATH: '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

/** `envdir DIR env` under ours and Debian's, with an inherited environment set by `prefix` (sh). */
async function both(dir: string, prefix = ''): Promise<[ByteOutcome, ByteOutcome]> {
  const script = `${prefix} exec "$@"`;
  return Promise.all([sh(script, ours('envdir', dir, 'env')), sh(script, debian('envdir', dir, 'env'))]);
}

function assertSame([mine, theirs]: [ByteOutcome, ByteOutcome], what: string): void {
  assert.deepEqual(
    { code: mine.code, stdout: mine.stdout.toString('latin1'), stderr: mine.stderr.toString('latin1') },
    { code: theirs.code, stdout: theirs.stdout.toString('latin1'), stderr: theirs.stderr.toString('latin1') },
    what,
  );
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

test('envdir: a file name that is not UTF-8 sets that variable, byte for byte, as Debian', async () => {
  const dir = join(root, 'bytes');
  mkdirSync(dir);
  writeFileSync(bytes(`${dir}/`, [0xff, 0xfe], 'N'), bytes('val', [0xfe], '\n'));
  writeFileSync(join(dir, 'A'), 'a\n');
  const result = await both(dir, `X=$(printf '\\377') && export X &&`);
  assertSame(result, 'name \\xff\\xfeN');
  const lines = result[0].stdout.toString('latin1').split('\n');
  assert.ok(lines.includes('\xff\xfeN=val\xfe'), 'the variable set from the bytes of the name');
  assert.ok(lines.includes('X=\xff'), 'an inherited value that is not UTF-8 passes through');
  assert.equal(result[0].code, 0);
});

test('envdir: an unreadable entry whose name is not UTF-8 is named in the message with its bytes', async () => {
  const dir = join(root, 'bytes-subdir');
  mkdirSync(bytes(`${dir}/`, [0xff]), { recursive: true });
  const result = await both(dir);
  assertSame(result, 'subdirectory \\xff');
  assert.ok(result[0].stderr.equals(bytes(`envdir: fatal: unable to read ${dir}/`, [0xff], ': is a directory\n')));
  assert.equal(result[0].code, 111);
});

test('envdir: a dangling symlink reads as an empty file (the variable is removed), as Debian', async () => {
  const dir = join(root, 'dangling');
  mkdirSync(dir);
  symlinkSync(join(root, 'nowhere'), join(dir, 'GONE'));
  const result = await both(dir, 'GONE=inherited KEEP=1 && export GONE KEEP &&');
  assertSame(result, 'dangling symlink');
  const lines = result[0].stdout.toString().split('\n');
  assert.ok(lines.includes('KEEP=1') && !lines.some((l) => l.startsWith('GONE=')));
  assert.equal(result[0].code, 0);
});

test('envdir: a dangling symlink after a file is still empty (Debian reuses the previous value: a bug)', async () => {
  const dir = join(root, 'dangling-after');
  mkdirSync(dir);
  writeFileSync(join(dir, 'A'), 'a\n');
  symlinkSync(join(root, 'nowhere'), join(dir, 'GONE'));
  const [mine] = await both(dir, 'GONE=inherited && export GONE &&');
  const lines = mine.stdout.toString().split('\n');
  assert.equal(mine.code, 0);
  assert.ok(lines.includes('A=a') && !lines.some((l) => l.startsWith('GONE=')), mine.stdout.toString());
});

test('envdir: a FIFO with no writer never blocks: it reads as empty, as Debian (exit 0)', async () => {
  const dir = join(root, 'fifo');
  mkdirSync(dir);
  mkfifo(join(dir, 'PIPE'), 0o644);
  writeFileSync(join(dir, 'A'), 'a\n');
  const result = await both(dir, 'PIPE=inherited && export PIPE &&');
  assertSame(result, 'FIFO without writer');
  assert.equal(result[0].code, 0);
  assert.ok(
    !result[0].stdout
      .toString()
      .split('\n')
      .some((l) => l.startsWith('PIPE=')),
  );
});

test('envdir: a FIFO a writer holds open is "temporary failure" at once, as Debian', async () => {
  const dir = join(root, 'fifo-writer');
  mkdirSync(dir);
  const fifo = join(dir, 'PIPE');
  mkfifo(fifo, 0o644);
  const held = openSync(fifo, 'r+'); // a reader and a writer: the FIFO is open, nothing to read
  try {
    writeSync(held, 'data\n');
    const result = await both(dir);
    assertSame(result, 'FIFO with a writer');
    assert.equal(result[0].stderr.toString(), `envdir: fatal: unable to read ${fifo}: temporary failure\n`);
    assert.equal(result[0].code, 111);
  } finally {
    closeSync(held);
  }
});

test('envfile: a FIFO with no writer never blocks (no variables); one held open is "temporary failure"', async () => {
  const fifo = join(root, 'envfile.fifo');
  mkfifo(fifo, 0o644);
  const alone = await sh('exec "$@"', ours('envfile', fifo, 'sh', '-c', 'echo ran'));
  assert.deepEqual([alone.code, alone.stdout.toString(), alone.stderr.toString()], [0, 'ran\n', '']);
  const held = openSync(fifo, 'r+');
  try {
    const busy = await sh('exec "$@"', ours('envfile', fifo, 'sh', '-c', 'echo ran'));
    assert.deepEqual(
      [busy.code, busy.stdout.toString(), busy.stderr.toString()],
      [111, '', `envfile: fatal: unable to read ${fifo}: temporary failure\n`],
    );
  } finally {
    closeSync(held);
  }
});
