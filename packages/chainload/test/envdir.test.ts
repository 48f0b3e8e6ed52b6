import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERR_ENVDIR, envDirValue, readEnvDir } from '@fortress/chainload/envdir';
import { isFortressError } from '@fortress/core/errors';
import { tempDir } from '@fortress/test-support/temp-dir';

const root = tempDir('envdir-unit');

test('envDirValue: first line, trailing blanks removed, NUL becomes newline, empty removes', () => {
  const value = (text: string) => envDirValue(Buffer.from(text))?.toString();
  assert.equal(value('value with trailing  \t \nsecond line\n'), 'value with trailing');
  assert.equal(value('a\0b\0c'), 'a\nb\nc');
  assert.equal(value('  lead'), '  lead');
  assert.equal(value('\n'), '');
  assert.equal(value(''), undefined);
  assert.equal(value('x \r\n'), 'x \r');
  assert.deepEqual(envDirValue(Buffer.from([0xff, 0x0a])), Buffer.from([0xff]));
});

test('readEnvDir: one change per file, dot files skipped', () => {
  const dir = join(root, 'ok');
  mkdirSync(dir);
  writeFileSync(join(dir, 'A'), 'one\n');
  writeFileSync(join(dir, 'B'), '');
  writeFileSync(join(dir, '.hidden'), 'no');
  const changes = new Map(readEnvDir(dir).map(([name, value]) => [name.toString(), value?.toString()]));
  assert.deepEqual(
    changes,
    new Map([
      ['A', 'one'],
      ['B', undefined],
    ]),
  );
});

test('readEnvDir: errors name the step and the path', () => {
  assert.throws(
    () => readEnvDir(join(root, 'missing')),
    (err: unknown) =>
      isFortressError(err, ERR_ENVDIR) &&
      err.text === `unable to switch to directory ${join(root, 'missing')}` &&
      err.exitCode === 111 &&
      (err.cause as NodeJS.ErrnoException).code === 'ENOENT',
  );
  const sub = join(root, 'sub');
  mkdirSync(join(sub, 'D'), { recursive: true });
  assert.throws(
    () => readEnvDir(sub),
    (err: unknown) =>
      isFortressError(err, ERR_ENVDIR) &&
      err.bytes?.toString() === `unable to read ${sub}/D` &&
      (err.cause as NodeJS.ErrnoException).code === 'EISDIR',
  );
  const file = join(root, 'file');
  writeFileSync(file, 'x');
  assert.throws(
    () => readEnvDir(file),
    (err: unknown) => isFortressError(err, ERR_ENVDIR) && (err.cause as NodeJS.ErrnoException).code === 'ENOTDIR',
  );
  chmodSync(sub, 0o755);
});
