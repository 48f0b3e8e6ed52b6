// The per-question log lines are written byte by byte (src/log.ts); their names must read as
// domainText's and their numbers as decimal text, whatever the bytes and sizes.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { domainText } from '@fortress/dnscache/domain';
import { logCached, logCachedPair, logFlush, logStats, logTo } from '@fortress/dnscache/log';

/** The lines that fn writes to the log. */
function logged(fn: () => void): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dnscache-log-'));
  const file = join(dir, 'log');
  const fd = openSync(file, 'w');
  try {
    logTo(fd);
    fn();
    logFlush();
    return readFileSync(file, 'latin1').split('\n').slice(0, -1);
  } finally {
    logTo(2);
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A wire-form name of random labels with any byte values. */
function randomName(seed: number): Buffer {
  let x = seed * 2654435761;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x % n;
  };
  const parts: number[] = [];
  for (let l = next(5); l > 0; l--) {
    const len = 1 + next(20);
    parts.push(len);
    for (let i = 0; i < len; i++) parts.push(next(256));
  }
  parts.push(0);
  return Buffer.from(parts);
}

test('names in log lines read as domainText: lowercase, ? for odd bytes, . for the root', () => {
  const names: Buffer[] = [Buffer.from([0]), Buffer.from('\x03WwW\x04T e\x7f\x00', 'latin1')];
  for (let i = 0; i < 500; i++) names.push(randomName(i));
  const lines = logged(() => {
    for (const d of names) logCached(1, d);
  });
  assert.deepEqual(
    lines,
    names.map((d) => `cached 1 ${domainText(d)}`),
  );
  assert.equal(lines[1], 'cached 1 www.t?e?.');
  // A name that starts part-way into a buffer (the servers walk passes an offset).
  const [pair] = logged(() => logCachedPair('ns', Buffer.from('\x01x\x04Test\x00', 'latin1'), 2, names[1]!));
  assert.equal(pair, 'cached ns test. www.t?e?.');
});

test('numbers in log lines are decimal text, small and beyond 32 bits', () => {
  const values = [0, 1, 9, 10, 99, 100, 65535, 2147483647, 2147483648, 4294967296, 1e12 + 7];
  const lines = logged(() => {
    for (const v of values) logStats(v, v, 3, 0);
  });
  assert.deepEqual(
    lines,
    values.map((v) => `stats ${v} ${v} 3 0`),
  );
});
