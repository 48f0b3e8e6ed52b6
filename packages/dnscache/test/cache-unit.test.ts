// The cache block on its own: hits, TTL rules, eviction of the oldest, bounded size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cache } from '@fortress/dnscache/cache';

const key = (s: string) => Buffer.from(s);
const NOW = 1_700_000_000;

function get(c: Cache, k: string, now = NOW): string | undefined {
  const kb = key(k);
  if (!c.get(kb, kb.length, now)) return undefined;
  return c.buffer.subarray(c.dataPos, c.dataPos + c.dataLen).toString();
}

function set(c: Cache, k: string, v: string, ttl: number, now = NOW): void {
  const kb = key(k);
  const vb = Buffer.from(v);
  c.set(kb, kb.length, vb, vb.length, ttl, now);
}

test('stores and finds entries, reporting the remaining TTL', () => {
  const c = new Cache(10000, 1);
  set(c, 'a', 'alpha', 100);
  set(c, 'b', 'beta', 50);
  assert.equal(get(c, 'a'), 'alpha');
  assert.equal(c.ttl, 100);
  assert.equal(get(c, 'b', NOW + 20), 'beta');
  assert.equal(c.ttl, 30);
  assert.equal(get(c, 'c'), undefined);
  assert.equal(c.motion, 2 * 20 + 2 + 9);
});

test('entries expire; TTL 0 is not stored; TTLs are capped at a week', () => {
  const c = new Cache(10000);
  set(c, 'a', 'x', 10);
  assert.equal(get(c, 'a', NOW + 10), 'x');
  assert.equal(get(c, 'a', NOW + 11), undefined);
  set(c, 'z', 'x', 0);
  assert.equal(get(c, 'z'), undefined);
  set(c, 'w', 'x', 9999999);
  assert.equal(get(c, 'w'), 'x');
  assert.equal(c.ttl, 604800);
});

test('a newer entry for the same key wins', () => {
  const c = new Cache(10000);
  set(c, 'a', 'old', 100);
  set(c, 'a', 'new', 100);
  assert.equal(get(c, 'a'), 'new');
});

test('when full, the oldest entries go first and the size is never exceeded', () => {
  const c = new Cache(1000);
  for (let i = 0; i < 200; i++) set(c, `key${i}`, 'v'.repeat(30), 1000);
  assert.equal(c.buffer.length, 1000);
  assert.equal(get(c, 'key0'), undefined);
  assert.equal(get(c, 'key199'), 'v'.repeat(30));
  let kept = 0;
  for (let i = 0; i < 200; i++) if (get(c, `key${i}`)) kept++;
  assert.ok(kept > 5 && kept < 20, `kept ${kept}`);
  for (let i = 200 - kept; i < 200; i++) assert.ok(get(c, `key${i}`), `key${i}`);
});

test('sizes are clamped to [100, 10^9]; an entry larger than the cache is not stored', () => {
  assert.equal(new Cache(5).size, 100);
  const c = new Cache(100);
  set(c, 'big', 'x'.repeat(200), 100);
  assert.equal(get(c, 'big'), undefined);
});
