import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSoftLimit, parseLimitValue } from '@fortress/chainload/rlimits';

test('parseLimitValue reads like scan_ulong: digits, = , empty is 0, wraps at 2^64', () => {
  assert.equal(parseLimitValue('1000'), 1000n);
  assert.equal(parseLimitValue('='), '=');
  assert.equal(parseLimitValue(''), 0n);
  assert.equal(parseLimitValue('18446744073709551617'), 1n);
  for (const bad of ['abc', '12x', '-1', '+1', ' 1', '1 ', '0x10']) assert.equal(parseLimitValue(bad), undefined, bad);
});

test('newSoftLimit: only the soft limit changes, never above the hard one', () => {
  assert.deepEqual(newSoftLimit({ soft: 10n, hard: 100n }, 50n), { soft: 50n, hard: 100n });
  assert.deepEqual(newSoftLimit({ soft: 10n, hard: 100n }, 500n), { soft: 100n, hard: 100n });
  assert.deepEqual(newSoftLimit({ soft: 10n, hard: 100n }, '='), { soft: 100n, hard: 100n });
});
