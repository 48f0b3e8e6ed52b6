// core's program layer, on a real process per case (the STYLE.md re-spawn pattern): exit codes,
// message shapes, --help.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const PROGRAM = new URL('../dist/program.js', import.meta.url).href;
const ERRORS = new URL('../dist/errors.js', import.meta.url).href;

/** Runs `node -e` with a program named `prog` whose main is `body` (JavaScript). */
function run(body: string, args: string[] = [], encoding: 'utf8' | 'latin1' = 'utf8') {
  const script = `
    import { program, usageError, fatalError } from '${PROGRAM}';
    import { FortressError } from '${ERRORS}';
    const main = program('prog', '[-v] dir', async (argv) => { ${body} });
    process.exitCode = await main(process.argv.slice(1), process.env);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { encoding });
  return [r.status, r.stdout, r.stderr];
}

test('a main returns its exit code; --help alone is the usage on stdout and 0', () => {
  assert.deepEqual(run('return 3;'), [3, '', '']);
  assert.deepEqual(run('return 3;', ['--help']), [0, 'usage: prog [-v] dir\n', '']);
  assert.deepEqual(run('return 3;', ['--help', 'x']), [3, '', '']);
});

test('usage errors: 100 (or the given code), getopt detail first', () => {
  assert.deepEqual(run('throw usageError();'), [100, '', 'prog: usage: prog [-v] dir\n']);
  assert.deepEqual(run("throw usageError('illegal option -- z');"), [
    100,
    '',
    'prog: illegal option -- z\nprog: usage: prog [-v] dir\n',
  ]);
  assert.deepEqual(run('throw usageError(undefined, 111);'), [111, '', 'prog: usage: prog [-v] dir\n']);
});

test('fatal errors in djb shape, with the cause as djb text and the exit code carried', () => {
  const enoent = "Object.assign(new Error('x'), { code: 'ENOENT' })";
  assert.deepEqual(run(`throw fatalError('unable to open x', ${enoent});`), [
    111,
    '',
    'prog: fatal: unable to open x: file does not exist\n',
  ]);
  assert.deepEqual(run("throw new FortressError('ERR_SYNTAX', 'unable to parse rules', undefined, 100);"), [
    100,
    '',
    'prog: fatal: unable to parse rules\n',
  ]);
});

test('a FortressError carrying bytes (a name that is not UTF-8) prints them as they are', () => {
  const bytes =
    'Buffer.from([0x75, 0x6e, 0x61, 0x62, 0x6c, 0x65, 0x20, 0x74, 0x6f, 0x20, 0x72, 0x65, 0x61, 0x64, 0x20, 0xff])';
  const enoent = "Object.assign(new Error('x'), { code: 'ENOENT' })";
  assert.deepEqual(
    run(`throw new FortressError('ERR_X', 'unable to read ?', ${enoent}, 100, { bytes: ${bytes} });`, [], 'latin1'),
    [100, '', 'prog: fatal: unable to read \xff: file does not exist\n'],
  );
});

test('anything else is an internal error: one line (newlines folded), 111, no stack trace', () => {
  assert.deepEqual(run("throw new TypeError('bad\\n  thing');"), [111, '', 'prog: fatal: internal error: bad thing\n']);
  assert.deepEqual(run("throw 'a string';"), [111, '', 'prog: fatal: internal error: a string\n']);
  assert.deepEqual(
    run("setTimeout(() => { throw new Error('later'); }, 1); await new Promise((r) => setTimeout(r, 1e6));"),
    [111, '', 'prog: fatal: internal error: later\n'],
  );
  assert.deepEqual(run("void Promise.reject(new Error('rejected')); await new Promise((r) => setTimeout(r, 1e6));"), [
    111,
    '',
    'prog: fatal: internal error: rejected\n',
  ]);
});
