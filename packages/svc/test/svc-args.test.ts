// svc's arguments and messages, checked on the bytes that reach a control FIFO the test reads,
// side by side with Debian's svc for the 0.76 letters.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debian, FakeSupervise, mkfifo, ours, REPO, removeDir, tempDir } from './helpers.js';

let root: string;
let target: FakeSupervise;
const USAGE_076 =
  'svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt, t term, k kill';

before(() => {
  root = tempDir();
  mkdirSync(join(root, 'sv'));
  target = new FakeSupervise(join(root, 'sv'));
});

after(() => {
  target.close();
  removeDir(root);
});

/** Runs svc (ours or Debian's) and returns its outcome plus the bytes the FIFO received. */
function svc(which: typeof ours, args: string[]) {
  target.readControl();
  const r = which('svc', args, root);
  return { ...r, sent: target.readControl() };
}

test('duplicates are dropped and the bytes keep command-line order, as Debian svc', () => {
  for (const args of [['-ddu', 'sv'], ['-d', '-x', 'sv'], ['-dx', '-xd', 'sv'], ['-udopchaitkx', 'sv'], ['sv']]) {
    const mine = svc(ours, args);
    assert.deepEqual(mine, svc(debian, args), `svc ${args.join(' ')}`);
    assert.equal(mine.status, 0);
    assert.equal(mine.stderr, '');
  }
  assert.equal(svc(ours, ['-ddu', 'sv']).sent, 'du');
  assert.equal(svc(ours, ['-udopchaitkx', 'sv']).sent, 'udopchaitkx');
});

test('the extension letters q 1 2 are sent as the bytes q 1 2', () => {
  assert.deepEqual(svc(ours, ['-q12', 'sv']), { status: 0, stdout: '', stderr: '', sent: 'q12' });
  assert.equal(svc(ours, ['-2', '-1', '-2', '-q', '-1', 'sv']).sent, '21q');
  assert.equal(svc(ours, ['-udopchaitkxq12', 'sv']).sent, 'udopchaitkxq12');
});

// Issue 18: -wu sent WINCH and up. Now w is s6's "wait" letter: it takes one of u U d D r R.
test('-w takes one of u U d D r R and -T a number of ms; anything else is usage, exit 100, nothing sent', () => {
  const usage = 'svc: usage: svc [-udopchaitkxq12] [-wu|-wU|-wd|-wD|-wr|-wR [-T ms]] dir ...\n';
  for (const args of [
    ['-wz', 'sv'],
    ['-w', 'uu', 'sv'],
    ['-wu', '-T', 'soon', 'sv'],
  ]) {
    assert.deepEqual(svc(ours, args), { status: 100, stdout: '', stderr: usage, sent: '' }, args.join(' '));
  }
  for (const args of [
    ['-u', '-w'],
    ['-wu', '-T'],
  ]) {
    const letter = args.at(-1)!.slice(1);
    assert.deepEqual(svc(ours, args), {
      status: 100,
      stdout: '',
      stderr: `svc: option requires an argument -- ${letter}\n${USAGE_076}, q quit, 1 usr1, 2 usr2\n`,
      sent: '',
    });
  }
  // Debian's svc knows no w: nothing sent either.
  const theirs = svc(debian, ['-wu', 'sv']);
  assert.deepEqual([theirs.status, theirs.sent], [100, '']);
});

// Issue 18: svc --help printed nothing (djb getopt skips it as it skips --).
test('svc --help alone: the usage on stdout, exit 0; with a DIR it is skipped as 0.76 does', () => {
  const help = ours('svc', ['--help'], root);
  assert.deepEqual(help, {
    status: 0,
    stdout: 'usage: svc [-udopchaitkxq12] [-wu|-wU|-wd|-wD|-wr|-wR [-T ms]] dir ...\n',
    stderr: '',
  });
  assert.equal(svc(ours, ['--help', 'sv']).sent, '');
});

test('the same command goes to every directory, each once', () => {
  const r = svc(ours, ['-h', 'sv', 'sv', './sv']);
  assert.equal(r.sent, 'hhh');
  assert.equal(r.status, 0);
});

test('an unknown letter: illegal option, the usage line, exit 100, nothing sent', () => {
  const mine = svc(ours, ['-uz', 'sv']);
  assert.deepEqual(mine, {
    status: 100,
    stdout: '',
    stderr: `svc: illegal option -- z\n${USAGE_076}, q quit, 1 usr1, 2 usr2\n`,
    sent: '',
  });
  const theirs = svc(debian, ['-uz', 'sv']);
  assert.equal(theirs.status, 100);
  assert.equal(theirs.stderr, `svc: illegal option -- z\n${USAGE_076}\n`);
  assert.equal(svc(ours, ['-u', '-Z', 'sv']).stderr.split('\n')[0], 'svc: illegal option -- Z');
});

test('--, --anything, - and options after a directory, as djb getopt', () => {
  for (const args of [['--', 'sv'], ['-u', '--help', 'sv'], ['-u', '-', 'sv'], ['sv', '-d'], ['-u', '--', '-d'], []]) {
    assert.deepEqual(svc(ours, args), svc(debian, args), `svc ${args.join(' ')}`);
  }
  assert.equal(svc(ours, ['-u', '--help', 'sv']).sent, 'u');
  assert.equal(svc(ours, ['sv', '-d']).stderr, 'svc: warning: unable to chdir to -d: file does not exist\n');
});

test('every warning, exit 0, and the remaining directories still get their bytes', () => {
  const notRunning = join(root, 'not-running');
  mkdirSync(join(notRunning, 'supervise'), { recursive: true });
  mkfifo(join(notRunning, 'supervise/control'));
  const noSupervise = join(root, 'no-supervise');
  mkdirSync(noSupervise);
  const controlDir = join(root, 'control-dir');
  mkdirSync(join(controlDir, 'supervise/control'), { recursive: true });
  const aFile = join(root, 'a-file');
  writeFileSync(aFile, '');
  const args = ['-d', notRunning, noSupervise, controlDir, aFile, join(root, 'nope'), '', 'sv'];
  const mine = svc(ours, args);
  assert.deepEqual(mine, svc(debian, args));
  assert.deepEqual(mine, {
    status: 0,
    stdout: '',
    stderr: [
      `svc: warning: unable to control ${notRunning}: supervise not running`,
      `svc: warning: unable to control ${noSupervise}: file does not exist`,
      `svc: warning: unable to control ${controlDir}: is a directory`,
      `svc: warning: unable to chdir to ${aFile}: not a directory`,
      `svc: warning: unable to chdir to ${join(root, 'nope')}: file does not exist`,
      'svc: warning: unable to chdir to : file does not exist',
      '',
    ].join('\n'),
    sent: 'd',
  });
});

test('odd bytes in directory names are passed through untouched', () => {
  const odd = 'we ird\tname';
  mkdirSync(join(root, odd));
  const r = svc(ours, ['-u', odd]);
  assert.deepEqual(r, svc(debian, ['-u', odd]));
  assert.equal(r.stderr, `svc: warning: unable to control ${odd}: file does not exist\n`);
});

test('per directory: one non-blocking open, one write of all the bytes, one close (seen by strace)', {
  skip: existsSync('/usr/bin/strace') ? false : 'strace is not installed',
}, () => {
  target.readControl();
  const trace = join(root, 'svc.trace');
  const svcJs = join(REPO, 'packages/svc/bin/svc.js');
  const r = spawnSync('/usr/bin/strace', ['-o', trace, process.execPath, svcJs, '-dxdu', 'sv', './sv'], {
    cwd: root,
  });
  assert.equal(r.status, 0, String(r.stderr));
  // Only the main thread is traced (no -f): svc writes from it, and other threads' calls would
  // split its lines into <unfinished ...> and <... resumed> halves.
  const lines = readFileSync(trace, 'latin1').split('\n');
  const opens = lines
    .map((line, index) => ({
      index,
      m: /openat\(AT_FDCWD, "(\.\/)?sv\/supervise\/control", ([A-Z_|]+)\) = (\d+)/.exec(line),
    }))
    .filter((o) => o.m);
  assert.equal(opens.length, 2);
  for (const { index, m } of opens) {
    assert.match(m?.[2] ?? '', /O_WRONLY\|O_NONBLOCK/);
    const fd = m?.[3];
    const closeAt = lines.findIndex((line, i) => i > index && line.startsWith(`close(${fd})`));
    const writes = lines.slice(index, closeAt).filter((line) => line.startsWith(`write(${fd},`));
    assert.deepEqual(
      writes.map((line) => line.replace(/ += /, ' = ')),
      [`write(${fd}, "dxu", 3) = 3`],
    );
  }
  assert.equal(target.readControl(), 'dxudxu');
});
