import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  appendDeath,
  decodeDeaths,
  encodeDeath,
  formatDeath,
  parseMaxDeathTally,
  readDeathTally,
  signalName,
  signalNumber,
} from '@fortress/core/death-tally';

const tmp = mkdtempSync(join(tmpdir(), 'fortress-dtally-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("records are s6's 14 bytes (bytes seen in a tally written by Debian's s6-supervise)", () => {
  // SIGKILL, then exit 3, as s6-supervise 2.11 wrote them.
  const s6 = Buffer.from('400000006b11c1351d6a2e528909' + '400000006b11c14030aebee50300', 'hex');
  const deaths = decodeDeaths(s6);
  assert.deepEqual(deaths, [
    { at: { seconds: 0x6b11c135 - 10, nanoseconds: 0x1d6a2e52 }, code: null, signal: 9 },
    { at: { seconds: 0x6b11c140 - 10, nanoseconds: 0x30aebee5 }, code: 3, signal: null },
  ]);
  assert.deepEqual(Buffer.concat(deaths.map(encodeDeath)), s6);
  assert.deepEqual(deaths.map(formatDeath), [
    '@400000006b11c1351d6a2e52 signal SIGKILL',
    '@400000006b11c14030aebee5 exitcode 3',
  ]);
  assert.deepEqual(decodeDeaths(s6.subarray(0, 20)).length, 1, 'a torn record is ignored');
});

test('signal names both ways', () => {
  assert.equal(signalName(15), 'SIGTERM');
  assert.equal(signalName(41), 'SIG41');
  assert.equal(signalNumber('term'), 15);
  assert.equal(signalNumber('SIGKILL'), 9);
  assert.equal(signalNumber('Usr1'), 10);
  assert.equal(signalNumber('FOO'), undefined);
});

test('max-death-tally: a decimal up to 4096, anything else the default 100', () => {
  assert.equal(parseMaxDeathTally(undefined), 100);
  assert.equal(parseMaxDeathTally('3\n'), 3);
  assert.equal(parseMaxDeathTally('0'), 0);
  assert.equal(parseMaxDeathTally('99999'), 4096);
  assert.equal(parseMaxDeathTally('-1'), 100);
  assert.equal(parseMaxDeathTally('lots'), 100);
});

test('appendDeath keeps the last MAX deaths, oldest first; readDeathTally reads them back', () => {
  const sv = join(tmp, 'sv1');
  mkdirSync(join(sv, 'supervise'), { recursive: true });
  assert.deepEqual(readDeathTally(sv), { ok: false, step: 'open', code: 'ENOENT' });
  for (let i = 1; i <= 5; i++) {
    appendDeath(
      join(sv, 'supervise'),
      { at: { seconds: 1_700_000_000 + i, nanoseconds: i }, code: i, signal: null },
      3,
    );
  }
  const read = readDeathTally(sv);
  assert.ok(read.ok);
  assert.deepEqual(
    read.deaths.map((d) => d.code),
    [3, 4, 5],
  );
  assert.equal(readFileSync(join(sv, 'supervise/death_tally')).length, 42);
  assert.equal(existsSync(join(sv, 'supervise/death_tally.new')), false);
});

test("Debian's s6-svdt prints our tally as our svdt formats it", (t) => {
  if (!existsSync('/usr/bin/s6-svdt')) return t.skip('s6 is not installed');
  const sv = join(tmp, 'sv2');
  mkdirSync(join(sv, 'supervise'), { recursive: true });
  writeFileSync(join(sv, 'run'), '');
  const deaths = [
    { at: { seconds: 1_800_000_000, nanoseconds: 5 }, code: null, signal: 15 },
    { at: { seconds: 1_800_000_001, nanoseconds: 6 }, code: 0, signal: null },
    { at: { seconds: 1_800_000_002, nanoseconds: 7 }, code: 255, signal: null },
    { at: { seconds: 1_800_000_003, nanoseconds: 8 }, code: null, signal: 6 },
  ];
  for (const death of deaths) appendDeath(join(sv, 'supervise'), death, 100);
  const s6 = spawnSync('/usr/bin/s6-svdt', [sv], { encoding: 'utf8' });
  assert.equal(s6.status, 0, s6.stderr);
  assert.equal(s6.stdout, deaths.map((d) => `${formatDeath(d)}\n`).join(''));
});
