// permafailon against Debian's s6-permafailon on the same death tally (written by core's
// appendDeath, the writer supervise uses), and its event-list rules.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDeathEvents, triggeringDeath } from '@fortress/chainload/death-events';
import { appendDeath } from '@fortress/core/death-tally';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debian, ours, run } from './helpers.js';

// Removed, with whatever still works in it, after the file's tests.
const tmp = tempDir('permafailon');

const now = Math.floor(Date.now() / 1000);
// Oldest first: killed by SIGKILL 300 s ago, by SIGTERM 200 s ago, exit 3 100 s ago, exit 0 2 s ago.
// s6 reads TAI64N stamps as TAI with leap seconds, ours (daemontools') as UTC + 10 s: to s6 our
// deaths are 27 s older, so the windows below give the same answer under both readings.
const sv = join(tmp, 'sv');
mkdirSync(join(sv, 'supervise'), { recursive: true });
for (const [ago, code, signal] of [
  [300, null, 9],
  [200, null, 15],
  [100, 3, null],
  [2, 0, null],
] as const) {
  appendDeath(join(sv, 'supervise'), { at: { seconds: now - ago, nanoseconds: 0 }, code, signal }, 100);
}

test('event lists: codes, ranges, signal names in any case; bad items are named', () => {
  const events = parseDeathEvents('1,5-7,TERM,sigkill,Usr1');
  assert.ok(typeof events !== 'string');
  assert.deepEqual([...events.codes], [1, 5, 6, 7]);
  assert.deepEqual([...events.signals], [15, 9, 10]);
  assert.deepEqual(parseDeathEvents(''), { codes: new Set(), signals: new Set() });
  assert.equal(parseDeathEvents('3-1'), '3-1');
  assert.equal(parseDeathEvents('256'), '256');
  assert.equal(parseDeathEvents('SIGFOO'), 'SIGFOO');
  assert.equal(parseDeathEvents('1,'), '(empty item)');
});

test('the COUNT-th matching death in the window triggers, counted from the oldest', () => {
  const d = (seconds: number, code: number | null, signal: number | null) => ({
    at: { seconds, nanoseconds: 0 },
    code,
    signal,
  });
  const deaths = [d(100, null, 9), d(150, 1, null), d(190, 1, null)];
  const events = parseDeathEvents('1,KILL');
  assert.ok(typeof events !== 'string');
  assert.deepEqual(triggeringDeath(deaths, events, 200, 3, 200), deaths[2]);
  assert.equal(triggeringDeath(deaths, events, 60, 3, 200), undefined, 'the kill is out of the window');
  assert.deepEqual(triggeringDeath(deaths, events, 60, 2, 200), deaths[2]);
  const codes = parseDeathEvents('137');
  assert.ok(typeof codes !== 'string');
  assert.equal(triggeringDeath(deaths, codes, 200, 1, 200), undefined, 'a code never matches a death by signal');
});

const same: Array<[string[], number]> = [
  [['600', '2', '3'], 0],
  [['600', '2', '3,SIGKILL'], 125],
  [['600', '2', 'KILL,term'], 125],
  [['150', '2', 'KILL,term'], 0],
  [['250', '1', 'SIGTERM'], 125],
  [['150', '1', '3'], 125],
  [['60', '1', '3'], 0],
  [['600', '1', ''], 0],
  [['60', '1', '0'], 125],
  [['600', '1', '3-1'], 100],
  [['600', '1', 'SIGFOO'], 100],
  [['x', '1', '3'], 100],
  [['600', '0', '3'], 100],
];

for (const [args, status] of same) {
  test(`permafailon ${args.map((a) => a || "''").join(' ')} prog: exit ${status}, as s6-permafailon`, async (t) => {
    const mine = await run(ours('permafailon', ...args, 'echo', 'ran'), { cwd: sv });
    assert.equal(mine.code, status, mine.stderr);
    assert.equal(mine.stdout, status === 0 ? 'ran\n' : '');
    if (status === 125)
      assert.match(
        mine.stderr,
        /^permafailon: info: permanent failure: \d+ deaths in the last \d+ seconds, the last with (exit code \d+|signal SIG[A-Z]+)\n$/,
      );
    if (!existsSync('/usr/bin/s6-permafailon')) return t.skip('s6 is not installed');
    const theirs = await run(debian('s6-permafailon', ...args, 'echo', 'ran'), { cwd: sv });
    assert.equal(theirs.code, status, theirs.stderr);
  });
}

test('no tally: a warning, then PROG runs; no PROG: usage, 100', async () => {
  const none = await run(ours('permafailon', '60', '1', '3', 'echo', 'ran'), { cwd: tmp });
  assert.deepEqual(
    [none.code, none.stdout, none.stderr],
    [0, 'ran\n', 'permafailon: warning: unable to read supervise/death_tally: file does not exist\n'],
  );
  const usage = await run(ours('permafailon', '60', '1', '3'), { cwd: sv });
  assert.deepEqual(
    [usage.code, usage.stderr],
    [100, 'permafailon: usage: permafailon seconds count events program [ arg ... ]\n'],
  );
});
