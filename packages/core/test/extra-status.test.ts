// supervise/status.json as readers take it: bounded, checked against its schema field by field.
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRegularFile } from '@fortress/core/bounded-read';
import { EXTRA_STATUS_MAX_BYTES, readExtraStatusFile, validExtraStatus } from '@fortress/core/extra-status';
import { tempDir } from '@fortress/test-support/temp-dir';

const dir = tempDir('extra');

const good = {
  pid: 4242,
  pgid: 4242,
  starts: 2,
  lastStart: 1_790_000_000_000,
  lastExit: { code: null, signal: 'SIGTERM', at: 1_790_000_000_000 },
  supervisor: 4240,
};

test('a record of the schema is taken; unknown fields dropped, startError defaults to null', () => {
  assert.deepEqual(validExtraStatus({ ...good, future: 1 }), { ...good, startError: null });
  const startError = { text: 'unable to start x/run: access denied', at: 1 };
  assert.deepEqual(validExtraStatus({ ...good, startError }), { ...good, startError });
  assert.deepEqual(validExtraStatus({ ...good, lastExit: { code: null, signal: null, at: 5 } })?.lastExit, {
    code: null,
    signal: null,
    at: 5,
  });
});

test('the state machine fields (state, ready, readySince, nextStart) are taken when valid, bad otherwise', () => {
  const fields = { state: 'ready', ready: true, readySince: 1_790_000_000_500, nextStart: null };
  assert.deepEqual(validExtraStatus({ ...good, ...fields }), { ...good, startError: null, ...fields });
  assert.deepEqual(validExtraStatus({ ...good, state: 'failed', ready: null }), {
    ...good,
    startError: null,
    state: 'failed',
    ready: null,
  });
  for (const wrong of [{ state: 'sleeping' }, { ready: 'yes' }, { readySince: -1 }, { nextStart: 'soon' }]) {
    assert.equal(validExtraStatus({ ...good, ...wrong }), undefined, JSON.stringify(wrong));
  }
});

test('statusText (NOTIFY_SOCKET STATUS=): a string of at most 2048 characters, or null', () => {
  for (const statusText of ['serving 5 clients', '', 'é'.repeat(2048), null]) {
    assert.deepEqual(validExtraStatus({ ...good, statusText }), { ...good, startError: null, statusText });
  }
  assert.equal(validExtraStatus({ ...good })?.statusText, undefined, 'absent from an older supervise');
  for (const statusText of ['x'.repeat(2049), 5, ['a'], { text: 'a' }]) {
    assert.equal(validExtraStatus({ ...good, statusText }), undefined, JSON.stringify(statusText).slice(0, 20));
  }
});

test('every field of the wrong type or range makes the record bad', () => {
  const bad: Record<string, unknown>[] = [
    { pid: -1 },
    { pid: 1.5 },
    { pid: 2 ** 32 },
    { pgid: '7' },
    { starts: -1 },
    { starts: 1e300 },
    { lastStart: 1.21e22 },
    { lastStart: '1' },
    { lastExit: [1, 2, 3] },
    { lastExit: { code: 1e300, signal: null, at: 1 } },
    { lastExit: { code: 256, signal: null, at: 1 } },
    { lastExit: { code: null, signal: 15, at: 1 } },
    { lastExit: { code: null, signal: { name: 'SIGTERM' }, at: 1 } },
    { lastExit: { code: null, signal: 'TERM; rm -rf', at: 1 } },
    { lastExit: { code: 0, signal: 'SIGTERM', at: 1 } },
    { lastExit: { code: 0, signal: null } },
    { supervisor: 0 },
    { supervisor: 2 ** 31 },
    { startError: 'text' },
    { startError: { text: 5, at: 1 } },
    { startError: { text: 'x'.repeat(9000), at: 1 } },
  ];
  for (const change of bad) assert.equal(validExtraStatus({ ...good, ...change }), undefined, JSON.stringify(change));
  for (const value of [null, [], 7, 'x']) assert.equal(validExtraStatus(value), undefined);
});

test('readExtraStatusFile: absent, not JSON, too big, a device, a directory', () => {
  const path = (name: string) => join(dir, name);
  writeFileSync(path('good'), JSON.stringify(good));
  writeFileSync(path('not-json'), '{"pid": ');
  writeFileSync(path('big'), `${JSON.stringify(good)}${' '.repeat(EXTRA_STATUS_MAX_BYTES)}`);
  symlinkSync('/dev/zero', path('zero'));
  assert.deepEqual(readExtraStatusFile(path('good')), { ok: true, extra: { ...good, startError: null } });
  assert.deepEqual(readExtraStatusFile(path('absent')), { ok: false, step: 'open', code: 'ENOENT' });
  for (const name of ['not-json', 'big', 'zero']) {
    assert.deepEqual(readExtraStatusFile(path(name)), { ok: false, step: 'read', code: 'BADFORMAT' }, name);
  }
  assert.deepEqual(readExtraStatusFile(dir), { ok: false, step: 'read', code: 'EISDIR' });
});

test('readRegularFile: a prefix of a long file, the whole of a short one', () => {
  writeFileSync(join(dir, 'long'), 'abcdefghij');
  const prefix = readRegularFile(join(dir, 'long'), 4, true);
  assert.ok(prefix.ok);
  assert.equal(prefix.bytes.toString(), 'abcd');
  assert.deepEqual(readRegularFile(join(dir, 'long'), 4), { ok: false, step: 'read', code: 'BADFORMAT' });
  const whole = readRegularFile(join(dir, 'long'), 10);
  assert.ok(whole.ok);
  assert.equal(whole.bytes.toString(), 'abcdefghij');
});
