import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeStatus, encodeStatus } from '@fortress/core/status-record';
import { formatTai64nLabel, parseTai64nLabel, wallTime } from '@fortress/core/tai64n';

test('a label is @ and 24 hex digits of 2^62+10+seconds and nanoseconds', () => {
  assert.equal(formatTai64nLabel({ seconds: 0, nanoseconds: 0 }), '@400000000000000a00000000');
  assert.equal(formatTai64nLabel({ seconds: 1_000_000_000, nanoseconds: 1 }), '@400000003b9aca0a00000001');
  assert.deepEqual(parseTai64nLabel('@400000003b9aca0a00000001'), { seconds: 1_000_000_000, nanoseconds: 1 });
  assert.equal(parseTai64nLabel('@40000000'), undefined);
  assert.equal(parseTai64nLabel('@zz0000003b9aca0a00000001'), undefined);
});

test('wallTime follows the system clock', () => {
  const t = wallTime();
  assert.ok(Math.abs(t.seconds - Date.now() / 1000) < 2);
  assert.ok(t.nanoseconds >= 0 && t.nanoseconds < 1e9);
});

test('the status record matches the dump of a real daemontools supervise (spec supervise.md §3)', () => {
  const dump = Buffer.from('400000006b0cadcf3ac7ef7cd11e000000' + '75', 'hex');
  const rec = decodeStatus(dump);
  assert.ok(rec);
  assert.equal(rec.pid, 7889);
  assert.equal(rec.want, 'up');
  assert.equal(rec.paused, false);
  assert.deepEqual(encodeStatus(rec), dump);
  assert.equal(decodeStatus(dump.subarray(0, 17)), undefined);
  assert.equal(encodeStatus({ ...rec, pid: 0, paused: true, want: 'down' })[16], 0);
});
