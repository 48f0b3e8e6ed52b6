// readproctitle (issue 17.1) beside Debian's daemontools 0.76 readproctitle: the same exit
// codes, and the same command line in ps and /proc/PID/cmdline as input arrives.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { TitleWindow } from '@fortress/chainload/title-window';
import { debian, ours, run, waitFor } from './helpers.js';

const started: ChildProcess[] = [];
after(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** Ours, or Debian's run as svscanboot runs it (argv[0] `readproctitle`, found in PATH). */
function start(mine: boolean, args: string[]): ChildProcess {
  const argv = mine ? ours('readproctitle', ...args) : debian('readproctitle', ...args);
  const child = spawn(argv[0]!, argv.slice(1), {
    argv0: mine ? undefined : 'readproctitle',
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  started.push(child);
  return child;
}

/** /proc/PID/cmdline without the NUL bytes that pad it when the kernel keeps its length (no CAP_SYS_RESOURCE). */
function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0+$/, '\0');
}

function psArgs(pid: number): string {
  return execFileSync('ps', ['-o', 'comm=,args=', '-p', String(pid)], { encoding: 'latin1' }).trimEnd();
}

const exitCases: [args: string[], input: string][] = [
  [[], 'x'],
  [['abcd'], 'x'],
  [['a', 'b', 'c', 'd', 'e', 'f'], 'x'],
  [['abcde'], 'hello\n'],
  [['x', 'é…é'], 'input'],
  [['service', 'errors:', '.....'], ''],
  [['.....', ''], 'x'],
];

for (const [args, input] of exitCases) {
  test(`readproctitle ${args.join(' ')}: same exit code and (no) output as Debian's`, async () => {
    const [mine, theirs] = await Promise.all([
      run(ours('readproctitle', ...args), { input }),
      run(debian('readproctitle', ...args), { input }),
    ]);
    assert.deepEqual(
      { code: mine.code, stdout: mine.stdout, stderr: mine.stderr },
      { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr },
    );
  });
}

test('readproctitle: a read error (stdin is a directory) exits 111 silently, as Debian', async () => {
  const { openSync, closeSync } = process.getBuiltinModule('node:fs');
  const fd = openSync('/', 'r');
  try {
    const results = await Promise.all(
      [ours('readproctitle', 'abcdef'), debian('readproctitle', 'abcdef')].map(
        (argv) =>
          new Promise<[number | null, string]>((resolve) => {
            const child = spawn(argv[0]!, argv.slice(1), { stdio: [fd, 'ignore', 'pipe'] });
            let err = '';
            child.stderr!.on('data', (d: Buffer) => {
              err += d.toString();
            });
            child.on('close', (code) => resolve([code, err]));
          }),
      ),
    );
    assert.deepEqual(results, [
      [111, ''],
      [111, ''],
    ]);
  } finally {
    closeSync(fd);
  }
});

test("readproctitle: ps and /proc/PID/cmdline show the same window as Debian's as input arrives", async () => {
  const args = ['service', 'errors:', '.'.repeat(40)];
  const mine = start(true, args);
  const theirs = start(false, args);
  const model = new TitleWindow(40);
  const chunks = [
    '',
    'svscan: warning: unable to start x: file does not exist\n',
    'a\0b\0c',
    'short',
    `${'long line '.repeat(30)}END`,
    'ünïcödé \xff bytes\n',
  ];
  const expected = (window: Buffer) => `readproctitle\0service\0errors:\0${window.toString('latin1')}\0`;
  await waitFor(
    'both started',
    () => cmdline(mine.pid!) === expected(model.bytes) && cmdline(theirs.pid!) === expected(model.bytes),
  );
  for (const chunk of chunks.slice(1)) {
    const bytes = Buffer.from(chunk, 'latin1');
    model.push(bytes);
    mine.stdin!.write(bytes);
    theirs.stdin!.write(bytes);
    const want = expected(model.bytes);
    await waitFor(`Debian's window after ${JSON.stringify(chunk)}`, () => cmdline(theirs.pid!) === want);
    await waitFor(`our window after ${JSON.stringify(chunk)}`, () => cmdline(mine.pid!) === want);
    assert.equal(psArgs(mine.pid!), psArgs(theirs.pid!));
  }
  assert.match(psArgs(mine.pid!), /^readproctitle +readproctitle service errors: \.\.\..*line END/);
  const exits = [mine, theirs].map((c) => new Promise((resolve) => c.on('close', resolve)));
  mine.stdin!.end();
  theirs.stdin!.end();
  assert.deepEqual(await Promise.all(exits), [0, 0]);
});

test('TitleWindow: 0.76 byte by byte: the first three dots stay, NUL bytes are skipped', () => {
  const w = new TitleWindow(8);
  assert.equal(w.push(Buffer.from('\0')), false);
  w.push(Buffer.from('ab'));
  assert.equal(w.bytes.toString(), '......ab');
  w.push(Buffer.from('c\0d'));
  assert.equal(w.bytes.toString(), '....abcd');
  w.push(Buffer.from('0123456789'));
  assert.equal(w.bytes.toString(), '...56789');
});
