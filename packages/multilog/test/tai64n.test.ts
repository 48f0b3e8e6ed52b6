// tai64n and tai64nlocal, ours and Debian's reading each other's labels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { convertLabel } from '@fortress/multilog/tai64nlocal-filter';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debianCommand, ourCommand, run } from './helpers.js';

const root = tempDir('multilog');

const LABELLED = /^@[0-9a-f]{24} /;
const LOCAL = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} /;

function local(command: [string, string[]], input: string | Buffer, tz: string): string {
  const r = run(command, { cwd: root, input, env: { ...process.env, TZ: tz } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.toString('latin1');
}

test('tai64nlocal converts known labels to the original format', () => {
  const input = '@400000006b0cae1e003fe56c hello\n@400000000000000a00000000 x\n';
  const expected = '2026-11-29 22:58:28.004187500 hello\n1970-01-01 00:00:00.000000000 x\n';
  assert.equal(local(ourCommand('tai64nlocal', []), input, 'UTC'), expected);
  assert.equal(local(debianCommand('tai64nlocal', []), input, 'UTC'), expected);
});

test("Debian's tai64nlocal reads our tai64n labels, and ours reads Debian's", () => {
  const lines = `${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\n`;
  for (const [producer, name] of [
    [ourCommand('tai64n', []), 'ours'],
    [debianCommand('tai64n', []), 'debian'],
  ] as const) {
    const stamped = run(producer, { cwd: root, input: lines });
    assert.equal(stamped.status, 0);
    const text = stamped.stdout.toString('latin1');
    for (const line of text.split('\n').slice(0, -1)) assert.match(line, LABELLED, `${name} tai64n`);
    assert.equal(text.replace(/^@[0-9a-f]{24} /gm, ''), lines);
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      const mine = local(ourCommand('tai64nlocal', []), stamped.stdout, tz);
      const theirs = local(debianCommand('tai64nlocal', []), stamped.stdout, tz);
      assert.equal(mine, theirs, `${name} labels in ${tz}`);
      assert.match(mine, LOCAL);
    }
  }
});

test("Debian's tai64nlocal reads a directory our multilog t wrote", () => {
  const dir = join(root, 'ml');
  const r = run(ourCommand('multilog', ['t', dir]), { cwd: root, input: 'one\ntwo\n' });
  assert.equal(r.status, 0, r.stderr);
  const current = readFileSync(join(dir, 'current'));
  const theirs = local(debianCommand('tai64nlocal', []), current, 'UTC');
  assert.match(theirs, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} one\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} two\n$/);
  assert.equal(local(ourCommand('tai64nlocal', []), current, 'UTC'), theirs);
});

test('our labels carry the current time (2^62 + 10 + unix seconds)', () => {
  const r = run(ourCommand('tai64n', []), { cwd: root, input: 'x\n' });
  const label = r.stdout.toString('latin1').slice(1, 25);
  const seconds = Number(BigInt(`0x${label.slice(0, 16)}`) - 0x400000000000000an);
  assert.ok(Math.abs(seconds - Date.now() / 1000) < 86_400, `label ${label} is not today`);
  assert.ok(Number.parseInt(label.slice(16), 16) <= 999_999_999);
});

test('tai64n copies a last line without newline as it is, and binary bytes unchanged', () => {
  const input = Buffer.from([0x61, 0, 0xff, 10, 10, 0x62, 0x63]);
  const r = run(ourCommand('tai64n', []), { cwd: root, input });
  assert.equal(r.status, 0);
  const out = r.stdout;
  assert.equal(out.length, input.length + 3 * 26);
  assert.deepEqual(out.subarray(26, 30), input.subarray(0, 4));
  assert.deepEqual(out.subarray(out.length - 2), Buffer.from('bc'));
});

test('tai64n exits 111 when it cannot write', () => {
  const [node, args] = ourCommand('tai64n', []);
  const full = run(['/bin/sh', ['-c', 'exec "$@" > /dev/full', 'sh', node, ...args]], { cwd: root, input: 'x\n' });
  assert.equal(full.status, 111);
  assert.equal(full.stderr, 'tai64n: fatal: unable to write output: out of disk space\n');
});

test('malformed labels pass through unchanged and never crash tai64nlocal', () => {
  const malformed = [
    '@4000000000000000 x',
    '@40000000499602d2 x',
    '@400000006B0CAE1E003FE56C uppercase',
    '@ x',
    '@',
    '@ffffffffffffffffffffffff far future',
    '@000000000000000000000000 far past',
    '@400000006b0cae1e003fe56c003fe56c too long',
    '@400000006b0cae1effffffff nanoseconds too big',
    '@xyz',
    'plain line',
    '',
  ];
  const input = `${malformed.join('\n')}\n`;
  assert.equal(local(ourCommand('tai64nlocal', []), input, 'UTC'), input);
  // The original crashes on the first of these.
  const theirs = run(debianCommand('tai64nlocal', []), { cwd: root, input: `${malformed[0]}\n` });
  assert.equal(theirs.signal, 'SIGSEGV');
});

test('a label followed by other text, and a label at end of input without newline', () => {
  const out = local(
    ourCommand('tai64nlocal', []),
    '@400000006b0cae1e003fe56cZZ\nx @400000006b0cae1e003fe56c\n@400000006b0cae1e003fe56c',
    'UTC',
  );
  assert.equal(out, '2026-11-29 22:58:28.004187500ZZ\nx @400000006b0cae1e003fe56c\n2026-11-29 22:58:28.004187500');
});

test('convertLabel refuses labels that are not 24 digits or out of range', () => {
  assert.equal(convertLabel('400000006b0cae1e003fe56c')?.endsWith('.004187500'), true);
  assert.equal(convertLabel('400000006b0cae1e'), undefined);
  assert.equal(convertLabel('ffffffffffffffffffffffff'), undefined);
});

test('labels split across reads are still converted', () => {
  const line = '@400000006b0cae1e003fe56c hello!\n';
  const input = line.repeat(5000);
  const out = local(ourCommand('tai64nlocal', []), input, 'UTC');
  assert.equal(out, '2026-11-29 22:58:28.004187500 hello!\n'.repeat(5000));
});
