// softlimit: each limit shows in /proc/self/limits of the exec'd program, and a memory limit holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ours, run } from './helpers.js';

const ROWS: Record<string, string[]> = {
  a: ['Max address space'],
  c: ['Max core file size'],
  d: ['Max data size'],
  f: ['Max file size'],
  l: ['Max locked memory'],
  m: ['Max data size', 'Max stack size', 'Max locked memory', 'Max address space'],
  o: ['Max open files'],
  p: ['Max processes'],
  r: ['Max resident set'],
  s: ['Max stack size'],
  t: ['Max cpu time'],
};

const VALUES: Record<string, bigint> = {
  a: 700_000_000n,
  c: 4096n,
  d: 400_000_000n,
  f: 10_000_000n,
  l: 65_536n,
  m: 300_000_000n,
  o: 64n,
  p: 300n,
  r: 5_000_000n,
  s: 2_000_000n,
  t: 1000n,
};

type Limits = Map<string, { soft: string; hard: string }>;

function parseLimits(text: string): Limits {
  const limits: Limits = new Map();
  for (const line of text.split('\n').slice(1)) {
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (m) limits.set(m[1]!, { soft: m[2]!, hard: m[3]! });
  }
  return limits;
}

const own = parseLimits(readFileSync('/proc/self/limits', 'utf8'));

/** What the soft limit becomes: the value, or the hard limit when that is lower. */
function expected(row: string, value: bigint): string {
  const hard = own.get(row)!.hard;
  return hard !== 'unlimited' && BigInt(hard) < value ? hard : String(value);
}

for (const [letter, rows] of Object.entries(ROWS)) {
  test(`softlimit -${letter}: ${rows.join(', ')} in the exec'd program's /proc/self/limits`, async () => {
    const value = VALUES[letter]!;
    const out = await run(ours('softlimit', `-${letter}`, String(value), 'cat', '/proc/self/limits'));
    assert.equal(out.stderr, '');
    assert.equal(out.code, 0);
    const limits = parseLimits(out.stdout);
    for (const row of rows) {
      assert.equal(limits.get(row)?.soft, expected(row, value), row);
      assert.equal(limits.get(row)?.hard, own.get(row)!.hard, `${row}: hard limit unchanged`);
    }
  });
}

test('softlimit: options apply in order, = raises the soft limit to the hard one, above hard is lowered', async () => {
  const out = await run([
    '/bin/sh',
    '-c',
    'ulimit -n 300 && exec "$0" "$1" -o 100 -o 1000000 cat /proc/self/limits',
    ...ours('softlimit'),
  ]);
  assert.equal(out.stderr, '');
  assert.deepEqual(parseLimits(out.stdout).get('Max open files'), { soft: '300', hard: '300' });
  const raised = await run(ours('softlimit', '-o', '40', ...ours('softlimit', '-o', '=', 'cat', '/proc/self/limits')));
  assert.equal(raised.stderr, '');
  assert.equal(parseLimits(raised.stdout).get('Max open files')?.soft, own.get('Max open files')!.hard);
});

test('softlimit -m stops an allocation above the limit; the same allocation works without it', async () => {
  const alloc = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'];
  const free = await run(alloc);
  assert.equal(free.code, 0, free.stderr);
  const limited = await run(ours('softlimit', '-m', '30000000', ...alloc));
  assert.equal(limited.code, 1);
  assert.match(limited.stderr, /memory exhausted/);
});
