import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { run as runProgram } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';
import { generateRules } from './generate.js';
import { bin } from './helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], input: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const r = await runProgram([command, ...args], { input: Buffer.from(input, 'latin1'), env, encoding: 'latin1' });
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr };
}

const ours = (args: string[], input: string) => run(process.execPath, [bin('tcprules'), ...args], input);
const theirs = (args: string[], input: string) => run('/usr/bin/tcprules', args, input);

test('tcprules: cdb byte-identical to Debian tcprules on generated rules (ranges, hosts, info, duplicates)', async () => {
  const dir = tempDir('ucspi-tcp');
  for (const seed of [1, 2, 3]) {
    const text = generateRules(seed, 400);
    const a = await ours([join(dir, 'ours.cdb'), join(dir, 'ours.tmp')], text);
    const b = await theirs([join(dir, 'deb.cdb'), join(dir, 'deb.tmp')], text);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(readFileSync(join(dir, 'ours.cdb')).equals(readFileSync(join(dir, 'deb.cdb'))), `seed ${seed}`);
    assert.equal(existsSync(join(dir, 'ours.tmp')), false, 'TMPFILE renamed away');
  }
});

test('tcprules: syntax errors give the original message and exit 100, the old cdb untouched', async () => {
  const dir = tempDir('ucspi-tcp');
  const cdb = join(dir, 'r.cdb');
  const good = await ours([cdb, join(dir, 'r.tmp')], '127.0.0.1:allow,A="1"\n');
  assert.equal(good.code, 0);
  const before = readFileSync(cdb);
  const bad = [
    '1.2.3.4:allowx',
    '1.2.3.4:permit',
    '1.2.3.4:allow,X=',
    '1.2.3.4:allow,X="unterminated',
    '1.2.3.4:deny,=x',
    '1.2.3.4:allow X="1"',
    '1.2.3.a-b:allow',
    '1.2.3.4-5-6:deny',
    'a-b.c:allow',
    '  x:allowx  \t',
    'a:b:c',
  ];
  for (const line of bad) {
    const text = `10.0.0.1:allow\n${line}\n:deny\n`;
    const a = await ours([cdb, join(dir, 'r.tmp')], text);
    const b = await theirs([join(dir, 'd.cdb'), join(dir, 'd.tmp')], text);
    assert.equal(a.code, 100, line);
    assert.equal(b.code, 100, line);
    assert.equal(a.stderr, b.stderr, line);
    assert.match(a.stderr, /^tcprules: fatal: unable to parse this line: /);
    assert.ok(readFileSync(cdb).equals(before), `cdb untouched after ${line}`);
  }
});

test('tcprules: usage and unwritable TMPFILE as the original', async () => {
  const dir = tempDir('ucspi-tcp');
  for (const args of [[], ['only.cdb']]) {
    const a = await ours(args, '');
    const b = await theirs(args, '');
    assert.deepEqual([a.code, a.stderr], [b.code, b.stderr]);
    assert.equal(a.code, 100);
  }
  const args = [join(dir, 'r.cdb'), join(dir, 'missing/r.tmp')];
  const a = await ours(args, ':allow\n');
  const b = await theirs(args, ':allow\n');
  assert.equal(a.code, 111);
  assert.deepEqual([a.code, a.stderr], [b.code, b.stderr]);
});

test('tcprules: extension lines (CIDR, IPv6) give keys Debian tcpserver reads for IPv4', async () => {
  const dir = tempDir('ucspi-tcp');
  const text = '10.0.0.0/12:deny\n192.168.1.128/25:allow,HALF="1"\nfd00::/8:allow,V6="1"\n::1:deny\n';
  const a = await ours([join(dir, 'x.cdb'), join(dir, 'x.tmp')], text);
  assert.equal(a.code, 0, a.stderr);
  const check = async (ip: string) =>
    (await run('/usr/bin/tcprulescheck', [join(dir, 'x.cdb')], '', { ...process.env, TCPREMOTEIP: ip })).stdout;
  assert.equal(await check('10.15.200.1'), 'rule 10.15.:\ndeny connection\n');
  assert.equal(await check('10.16.0.1'), 'default:\nallow connection\n');
  assert.equal(
    await check('192.168.1.200'),
    'rule 192.168.1.200:\nset environment variable HALF=1\nallow connection\n',
  );
  assert.equal(await check('192.168.1.127'), 'default:\nallow connection\n');
  // Debian's tcprules refuses the IPv6 line the same way as any malformed line.
  const b = await theirs([join(dir, 'y.cdb'), join(dir, 'y.tmp')], '::1:deny\n');
  assert.equal(b.code, 100);
});
