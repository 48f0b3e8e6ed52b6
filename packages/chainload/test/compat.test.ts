// Same input, same output and exit code as Debian's daemontools; never a Node stack trace.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { debian, isRoot, ours, run } from './helpers.js';

const dir = tempDir('compat');

const notExecutable = join(dir, 'not-executable');
writeFileSync(notExecutable, '#!/bin/sh\necho hi\n');
const badInterpreter = join(dir, 'bad-interpreter');
writeFileSync(badInterpreter, '#!/nonexistent/shell\n');
chmodSync(badInterpreter, 0o755);
const empty = join(dir, 'empty-executable');
writeFileSync(empty, '');
chmodSync(empty, 0o755);
const envWithSubdir = join(dir, 'env-subdir');
mkdirSync(join(envWithSubdir, 'SUB'), { recursive: true });
const noSearch = join(dir, 'env-no-search');
mkdirSync(noSearch, { mode: 0o644 });
chmodSync(noSearch, 0o644);
const noRead = join(dir, 'env-no-read');
mkdirSync(noRead);
writeFileSync(join(noRead, 'A'), 'a\n');
chmodSync(noRead, 0o311);
const unreadableFile = join(dir, 'env-unreadable-file');
mkdirSync(unreadableFile);
writeFileSync(join(unreadableFile, 'SECRET'), 'x\n');
chmodSync(join(unreadableFile, 'SECRET'), 0o000);
const lockFile = join(dir, 'lock');

type Case = [program: string, ...args: string[]];

const cases: Case[] = [
  ['setuidgid'],
  ['setuidgid', 'nobody'],
  ['setuidgid', 'fortress-no-such-account', 'true'],
  ['setuidgid', 'nobody', '/nonexistent/program'],
  ['setuidgid', 'nobody', 'fortress-no-such-program'],
  ['setuidgid', 'nobody', notExecutable],
  ['setuidgid', 'nobody', dir],
  ['setuidgid', 'nobody', badInterpreter],
  ['setuidgid', 'nobody', empty],
  ['setuidgid', 'nobody', 'sh', '-c', 'echo ran; exit 7'],
  ['envuidgid'],
  ['envuidgid', 'nobody'],
  ['envuidgid', 'fortress-no-such-account', 'true'],
  ['envuidgid', 'nobody', '/nonexistent/program'],
  ['envuidgid', 'nobody', 'sh', '-c', 'echo $UID $GID'],
  ['envdir'],
  ['envdir', dir],
  ['envdir', '/nonexistent/dir', 'true'],
  ['envdir', notExecutable, 'true'],
  ['envdir', envWithSubdir, 'true'],
  ['envdir', dir, 'fortress-no-such-program'],
  ['softlimit'],
  ['softlimit', '-m', '100000000'],
  ['softlimit', '-m', 'abc', 'true'],
  ['softlimit', '-m', '12x', 'true'],
  ['softlimit', '-m', '-1', 'true'],
  ['softlimit', '-z', '1', 'true'],
  ['softlimit', '-m'],
  ['softlimit', '-o', '100', '-p', 'x', 'true'],
  ['softlimit', '-t', '100', notExecutable],
  ['softlimit', '-o', '=', 'sh', '-c', 'echo ran'],
  ['setlock'],
  ['setlock', lockFile],
  ['setlock', '-z', lockFile, 'true'],
  ['setlock', '/nonexistent/dir/lock', 'true'],
  ['setlock', '-x', '/nonexistent/dir/lock', 'true'],
  ['setlock', '-xX', '/nonexistent/dir/lock', 'true'],
  ['setlock', lockFile, '/nonexistent/program'],
  ['setlock', '-n', lockFile, 'sh', '-c', 'echo ran'],
  ['pgrphack'],
  ['pgrphack', '/nonexistent/program'],
  ['pgrphack', notExecutable],
  ['pgrphack', 'sh', '-c', 'exit 3'],
];

const asNobody: Case[] = [
  ['envdir', noSearch, 'true'],
  ['envdir', noRead, 'true'],
  ['envdir', unreadableFile, 'true'],
  ['setuidgid', 'root', 'true'],
  ['softlimit', '-o', '1000000000000', 'sh', '-c', 'ulimit -n'],
];

function assertSame(a: Awaited<ReturnType<typeof run>>, b: Awaited<ReturnType<typeof run>>, what: string): void {
  assert.deepEqual(
    { code: a.code, signal: a.signal, stdout: a.stdout, stderr: a.stderr },
    { code: b.code, signal: b.signal, stdout: b.stdout, stderr: b.stderr },
    what,
  );
  assert.doesNotMatch(a.stderr, /node:|\n\s+at |Error|Native stack/, what);
}

for (const [program, ...args] of cases) {
  test(`same as Debian: ${program} ${args.join(' ')}`, async () => {
    const [mine, theirs] = await Promise.all([run(ours(program, ...args)), run(debian(program, ...args))]);
    assertSame(mine, theirs, `${program} ${args.join(' ')}`);
  });
}

for (const [program, ...args] of asNobody) {
  test(`same as Debian, as nobody: ${program} ${args.join(' ')}`, { skip: !isRoot && 'needs root' }, async () => {
    const [mine, theirs] = await Promise.all([
      run(debian('setuidgid', 'nobody', ...ours(program, ...args))),
      run(debian('setuidgid', 'nobody', ...debian(program, ...args))),
    ]);
    assertSame(mine, theirs, `${program} ${args.join(' ')}`);
  });
}

test("same environment as Debian's envdir, variable for variable and in order", async () => {
  const envDir = join(dir, 'env-rules');
  mkdirSync(envDir);
  writeFileSync(join(envDir, 'A'), 'value with trailing  \t \nsecond line\n');
  writeFileSync(join(envDir, 'B'), '');
  writeFileSync(join(envDir, 'C'), '\n');
  writeFileSync(join(envDir, 'D'), 'a\0b\0c');
  writeFileSync(join(envDir, 'E'), '  lead');
  writeFileSync(join(envDir, 'G=H'), 'x=y');
  writeFileSync(join(envDir, '.hidden'), 'no');
  const env = { PATH: '/usr/bin:/bin', B: 'old', KEEP: '1', A: 'replaced', Z: 'last' };
  const [mine, theirs] = await Promise.all([
    run(ours('envdir', envDir, 'env'), { env }),
    run(debian('envdir', envDir, 'env'), { env }),
  ]);
  assertSame(mine, theirs, 'envdir env');
  assert.match(mine.stdout, /^D=a\nb\nc$/m);
});

test('same as Debian: a variable longer than Linux takes is "argument list too long", not an abort', async () => {
  const bigEnv = join(dir, 'env-big');
  mkdirSync(bigEnv);
  writeFileSync(join(bigEnv, 'BIG'), `${'x'.repeat(140_000)}\n`);
  const [mine, theirs] = await Promise.all([
    run(ours('envdir', bigEnv, 'true')),
    run(debian('envdir', bigEnv, 'true')),
  ]);
  assertSame(mine, theirs, 'envdir with a 140000-byte value');
  assert.equal(mine.stderr, 'envdir: fatal: unable to run true: argument list too long\n');
});

test('same as Debian: variables too big together are "argument list too long" too', async () => {
  const manyEnv = join(dir, 'env-many');
  mkdirSync(manyEnv);
  for (let i = 0; i < 20; i += 1) writeFileSync(join(manyEnv, `V${i}`), `${'y'.repeat(120_000)}\n`);
  const [mine, theirs] = await Promise.all([
    run(ours('envdir', manyEnv, 'true')),
    run(debian('envdir', manyEnv, 'true')),
  ]);
  assertSame(mine, theirs, 'envdir with 20 values of 120000 bytes');
  assert.equal(mine.code, 111);
});
