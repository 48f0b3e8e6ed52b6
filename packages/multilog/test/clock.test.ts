import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wallTime as now, wallTimeNs as nowNs } from '@fortress/core/tai64n';
import { nextLabel } from '@fortress/multilog/label';

test('the label clock follows the wall clock and never goes backwards', () => {
  let previous = nowNs();
  for (let i = 0; i < 200_000; i++) {
    const t = nowNs();
    assert.ok(t >= previous);
    previous = t;
  }
  const { seconds, nanoseconds } = now();
  assert.ok(Math.abs(seconds - Date.now() / 1000) < 5);
  assert.ok(nanoseconds >= 0 && nanoseconds <= 999_999_999);
});

test('file labels are unique and increasing even when asked for faster than the clock moves', () => {
  const labels = Array.from({ length: 10_000 }, () => nextLabel());
  for (let i = 1; i < labels.length; i++) assert.ok(labels[i]! > labels[i - 1]!, `${labels[i]} after ${labels[i - 1]}`);
  assert.match(labels[0]!, /^@[0-9a-f]{24}$/);
});
