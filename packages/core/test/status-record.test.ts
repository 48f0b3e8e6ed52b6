// The 18-byte supervise/status: what supervise writes reads back; what svstat computes from garbage.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeStatus, encodeStatus, readStatusRecord, stampMillis, statusFields } from '@fortress/core/status-record';

test('encode, decode and the raw fields agree', () => {
  const record = {
    since: { seconds: 1_790_000_000, nanoseconds: 123_456_789 },
    pid: 4242,
    paused: true,
    want: 'down' as const,
  };
  const buf = encodeStatus(record);
  assert.deepEqual(decodeStatus(buf), record);
  const fields = statusFields(buf);
  assert.deepEqual(fields, {
    tai: 0x400000000000000an + 1_790_000_000n,
    nanoseconds: 123_456_789,
    pid: 4242,
    paused: true,
    want: 'down',
  });
  assert.equal(stampMillis(fields!), 1_790_000_000_123);
  assert.equal(decodeStatus(buf.subarray(0, 17)), undefined);
  assert.equal(statusFields(buf.subarray(0, 17)), undefined);
});

test('stamps that are no time: before 1970, beyond a Date, nanoseconds of 10^9', () => {
  assert.equal(stampMillis(statusFields(Buffer.alloc(18))!), undefined);
  assert.equal(stampMillis(statusFields(Buffer.alloc(18, 0xff))!), undefined);
  const nanos = encodeStatus({ since: { seconds: 1, nanoseconds: 0 }, pid: 1, paused: false, want: 'up' });
  nanos.writeUInt32BE(1_000_000_000, 8);
  assert.equal(stampMillis(statusFields(nanos)!), undefined);
  const epoch = encodeStatus({ since: { seconds: 0, nanoseconds: 0 }, pid: 0, paused: false, want: 'none' });
  assert.equal(stampMillis(statusFields(epoch)!), 0);
});

test('readStatusRecord: a regular file only, 18 bytes of it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fortress-status-'));
  try {
    const record = { since: { seconds: 5, nanoseconds: 0 }, pid: 9, paused: false, want: 'up' as const };
    for (const name of ['good', 'zero', 'short', 'none']) mkdirSync(join(dir, name, 'supervise'), { recursive: true });
    writeFileSync(join(dir, 'good/supervise/status'), Buffer.concat([encodeStatus(record), Buffer.alloc(100)]));
    symlinkSync('/dev/zero', join(dir, 'zero/supervise/status'));
    writeFileSync(join(dir, 'short/supervise/status'), 'abc');
    assert.deepEqual(readStatusRecord(join(dir, 'good')), record);
    for (const name of ['zero', 'short', 'none']) assert.equal(readStatusRecord(join(dir, name)), undefined, name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
