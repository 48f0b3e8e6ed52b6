import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findProgram } from '@fortress/chainload/exec';
import { execError } from '@fortress/chainload/executable';
import { FortressError } from '@fortress/core/errors';
import { removeDir, tempDir, writeScript } from './helpers.js';

const dir = tempDir('exec');
after(() => removeDir(dir));
const a = join(dir, 'a');
const b = join(dir, 'b');
mkdirSync(a);
mkdirSync(b);
writeScript(join(b, 'prog'), 'exit 0');
writeFileSync(join(a, 'prog'), 'not executable');
executable(join(dir, 'badinterp'), '#!/nonexistent/interpreter\n');
executable(join(dir, 'goodinterp'), '#! /bin/sh -e\nexit 0\n');
executable(join(dir, 'empty'), '');
executable(join(dir, 'garbage'), 'just text\n');

function executable(path: string, contents: string): void {
  writeFileSync(path, contents);
  chmodSync(path, 0o755);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof FortressError ? err.code : 'not a FortressError';
  }
}

test('execError: what execve would say', () => {
  assert.equal(execError('/bin/sh'), undefined);
  assert.equal(execError(join(b, 'prog')), undefined);
  assert.equal(execError(join(dir, 'missing')), 'ENOENT');
  assert.equal(execError(dir), 'EACCES');
  assert.equal(execError('/etc/passwd/x'), 'ENOTDIR');
  assert.equal(execError(join(dir, 'badinterp')), 'ENOENT');
  assert.equal(execError(join(dir, 'goodinterp')), undefined);
  assert.equal(execError(join(a, 'prog')), 'EACCES');
});

test('execError: files the kernel cannot run are ENOEXEC unless binfmt_misc handlers exist', (t) => {
  if (existsSync('/proc/sys/fs/binfmt_misc/status')) {
    t.skip('binfmt_misc handlers may accept any format here');
    return;
  }
  assert.equal(execError(join(dir, 'empty')), 'ENOEXEC');
  assert.equal(execError(join(dir, 'garbage')), 'ENOEXEC');
});

test('findProgram: PATH search as pathexec_run does it', () => {
  assert.equal(findProgram('prog', `${a}:${b}`), join(b, 'prog'));
  assert.equal(findProgram('prog', `${join(dir, 'none')}:${b}`), join(b, 'prog'));
  assert.equal(
    code(() => findProgram('prog', `${a}:${join(dir, 'none')}`)),
    'EACCES',
  );
  assert.equal(
    code(() => findProgram('nothere', `${a}:${b}`)),
    'ENOENT',
  );
  assert.equal(findProgram('sh', undefined), '/bin/sh');
  assert.equal(findProgram(join(b, 'prog'), ''), join(b, 'prog'));
  assert.equal(
    code(() => findProgram('./missing', '/bin')),
    'ENOENT',
  );
});

test('findProgram: an empty PATH element is the current directory', () => {
  const cwd = process.cwd();
  process.chdir(b);
  try {
    assert.equal(findProgram('prog', '/nonexistent:'), './prog');
    assert.equal(
      code(() => findProgram('prog', '/nonexistent')),
      'ENOENT',
    );
  } finally {
    process.chdir(cwd);
  }
});
