import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { flock, getrlimit, LOCK_EX, LOCK_NB, LOCK_UN, mkfifo, RLIMIT } from '@fortress/core/libc';

const dir = mkdtempSync(join(tmpdir(), 'fortress-libc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('mkfifo makes a FIFO with the mode asked, and EEXIST the second time', () => {
  const path = join(dir, 'fifo');
  const old = process.umask(0);
  try {
    mkfifo(path, 0o600);
    const st = statSync(path);
    assert.ok(st.isFIFO());
    assert.equal(st.mode & 0o777, 0o600);
    assert.throws(() => mkfifo(path, 0o600), { code: 'EEXIST' });
  } finally {
    process.umask(old);
  }
});

test('flock: a second exclusive non-blocking lock on another open file fails with EAGAIN', () => {
  const path = join(dir, 'lock');
  const a = openSync(path, 'a');
  const b = openSync(path, 'a');
  try {
    flock(a, LOCK_EX | LOCK_NB);
    assert.throws(() => flock(b, LOCK_EX | LOCK_NB), { code: 'EAGAIN' });
    flock(a, LOCK_UN);
    flock(b, LOCK_EX | LOCK_NB);
  } finally {
    closeSync(a);
    closeSync(b);
  }
});

test('getrlimit reads the soft and hard limits', () => {
  const { soft, hard } = getrlimit(RLIMIT.NOFILE);
  assert.ok(soft > 0n);
  assert.ok(hard >= soft);
});
