// Our svstat and svok against Debian's on the same directories: byte-identical output and
// exit codes, for every state a status file can describe and every error svstat reports.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debian, FakeSupervise, mkfifo, ours, REPO, type Run, removeDir, statusBytes, tempDir } from './helpers.js';

let root: string;
const fakes: FakeSupervise[] = [];

before(() => {
  root = tempDir();
});

after(() => {
  for (const f of fakes) f.close();
  removeDir(root);
});

function fake(name: string, status?: Buffer, down = false): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const f = new FakeSupervise(dir);
  fakes.push(f);
  if (status) f.writeStatus(status);
  if (down) writeFileSync(join(dir, 'down'), '');
  return dir;
}

function same(a: Run, b: Run): boolean {
  return a.status === b.status && a.stdout === b.stdout && a.stderr === b.stderr;
}

/**
 * Runs Debian's program, ours, and Debian's again; the "N seconds" figure may change between
 * runs at a second boundary, so a round counts only when both Debian runs agree.
 */
function compare(program: string, args: string[], cwd = root): Run {
  for (let round = 0; round < 20; round++) {
    const before = debian(program, args, cwd);
    const mine = ours(program, args, cwd);
    const afterwards = debian(program, args, cwd);
    if (!same(before, afterwards)) continue;
    assert.deepEqual(mine, before, `${program} ${args.join(' ')}`);
    return mine;
  }
  throw new Error(`Debian's ${program} never gave the same answer twice`);
}

const now = () => Math.floor(Date.now() / 1000);

test('svstat: up, paused, want down, normally down, in every combination', () => {
  const dirs: string[] = [];
  for (const paused of [0, 1]) {
    for (const want of [0, 0x75, 0x64, 0x78]) {
      for (const down of [false, true]) {
        dirs.push(fake(`up-${paused}-${want}-${down}`, statusBytes(now() - 3, 31337, paused, want), down));
      }
    }
  }
  const r = compare('svstat', dirs);
  assert.match(r.stdout, /up \(pid 31337\) \d+ seconds, normally down, paused, want down\n/);
});

test('svstat: down, want up, normally up, paused byte ignored', () => {
  const dirs: string[] = [];
  for (const paused of [0, 1]) {
    for (const want of [0, 0x75, 0x64]) {
      for (const down of [false, true]) {
        dirs.push(fake(`down-${paused}-${want}-${down}`, statusBytes(now() - 100, 0, paused, want), down));
      }
    }
  }
  const r = compare('svstat', dirs);
  assert.match(r.stdout, /: down \d+ seconds, normally up, want up\n/);
});

test('svstat: truncated, empty, zero, garbage, future and oversized status files', () => {
  const dirs = [
    fake('truncated', statusBytes(now(), 5, 0, 0x75).subarray(0, 17)),
    fake('empty', Buffer.alloc(0)),
    fake('zeros', Buffer.alloc(18)),
    fake('garbage', Buffer.from('garbage garbage garbage!')),
    fake('ones', Buffer.alloc(18, 0xff)),
    fake('future', statusBytes(now() + 1000, 77, 0, 0x75)),
    fake('runit-20-bytes', Buffer.concat([statusBytes(now() - 2, 88, 0, 0x75), Buffer.from([0, 1])])),
    fake('tai-zero', Buffer.concat([Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(10)])),
  ];
  const r = compare('svstat', dirs);
  assert.match(r.stdout, /truncated: unable to read supervise\/status: bad format\n/);
  assert.match(r.stdout, /empty: unable to read supervise\/status: bad format\n/);
});

test('svstat: a status that cannot be read shows the previous record, as 0.76 does', () => {
  const good = fake('before-unreadable', statusBytes(now() - 4, 1234, 1, 0x64));
  const unreadable = fake('unreadable');
  mkdirSync(join(unreadable, 'supervise/status'));
  compare('svstat', [unreadable]);
  const r = compare('svstat', [good, unreadable, fake('short-after', Buffer.from('abc')), unreadable]);
  assert.match(r.stdout, /\/unreadable: up \(pid 1234\) \d+ seconds, paused, want down\n/);
});

test('svstat: every error text', () => {
  const notRunning = join(root, 'not-running');
  mkdirSync(join(notRunning, 'supervise'), { recursive: true });
  mkfifo(join(notRunning, 'supervise/ok'));
  const noSupervise = join(root, 'no-supervise');
  mkdirSync(noSupervise);
  const noStatus = fake('no-status');
  const okFile = join(root, 'ok-regular-file');
  mkdirSync(join(okFile, 'supervise'), { recursive: true });
  writeFileSync(join(okFile, 'supervise/ok'), '');
  writeFileSync(join(okFile, 'supervise/status'), statusBytes(now() + 100_000, 3, 0, 0x75)); // future: 0 seconds
  const okDir = join(root, 'ok-directory');
  mkdirSync(join(okDir, 'supervise/ok'), { recursive: true });
  const downLoop = fake('down-loop', statusBytes(now(), 3, 0, 0x75));
  symlinkSync('down', join(downLoop, 'down'));
  const aFile = join(root, 'a-file');
  writeFileSync(aFile, 'x');
  const r = compare('svstat', [
    notRunning,
    noSupervise,
    noStatus,
    okFile,
    okDir,
    downLoop,
    aFile,
    join(root, 'does-not-exist'),
    '',
    '--json',
    `${aFile}/x`,
  ]);
  assert.equal(
    r.stdout,
    [
      `${notRunning}: supervise not running`,
      `${noSupervise}: unable to open supervise/ok: file does not exist`,
      `${noStatus}: unable to open supervise/status: file does not exist`,
      `${okFile}: up (pid 3) 0 seconds`,
      `${okDir}: unable to open supervise/ok: is a directory`,
      `${downLoop}: unable to stat down: symbolic link loop`,
      `${aFile}: unable to chdir: not a directory`,
      `${join(root, 'does-not-exist')}: unable to chdir: file does not exist`,
      ': unable to chdir: file does not exist',
      '--json: unable to chdir: file does not exist',
      `${aFile}/x: unable to chdir: not a directory`,
      '',
    ].join('\n'),
  );
});

test('svstat: relative names are printed as given, no arguments print nothing', () => {
  const dir = fake('relative', statusBytes(now() - 1, 4, 0, 0));
  compare('svstat', ['relative', './relative', 'relative/', `../${root.split('/').pop()}/relative`]);
  assert.ok(dir);
  assert.deepEqual(compare('svstat', []), { status: 0, stdout: '', stderr: '' });
});

test('svok: 0 when running, 100 when not, 111 on other errors, usage', () => {
  const running = fake('svok-running', statusBytes(now(), 1, 0, 0x75));
  const notRunning = join(root, 'svok-not-running');
  mkdirSync(join(notRunning, 'supervise'), { recursive: true });
  mkfifo(join(notRunning, 'supervise/ok'));
  const noSupervise = join(root, 'svok-no-supervise');
  mkdirSync(noSupervise);
  const okDir = join(root, 'svok-ok-directory');
  mkdirSync(join(okDir, 'supervise/ok'), { recursive: true });
  const aFile = join(root, 'svok-file');
  writeFileSync(aFile, '');
  const cases: [string[], number][] = [
    [[running], 0],
    [[running, 'ignored-extra'], 0],
    [[notRunning], 100],
    [[noSupervise], 100],
    [[okDir], 111],
    [[aFile], 111],
    [[join(root, 'nope')], 111],
    [[''], 111],
    [[], 100],
  ];
  for (const [args, code] of cases) {
    const r = compare('svok', args);
    assert.equal(r.status, code, `svok ${args.join(' ')}`);
  }
  assert.equal(ours('svok', []).stderr, 'svok: usage: svok dir\n');
  assert.equal(ours('svok', [okDir]).stderr, `svok: fatal: unable to open ${okDir}/supervise/ok: is a directory\n`);
});

test('odd directory names: UTF-8, spaces, symlink loops, names too long, trailing slashes', () => {
  const utf8 = fake('sérvice ünïcode', statusBytes(now() + 100_000, 5, 0, 0x75));
  symlinkSync('loop', join(root, 'loop'));
  const long = `${'x'.repeat(300)}/${'y'.repeat(300)}`;
  const tooLong = Array.from({ length: 20 }, () => 'z'.repeat(250)).join('/');
  const args = [utf8, `${utf8}/`, `${utf8}//.`, 'loop', long, tooLong, '.', '..', '/'];
  const r = compare('svstat', args);
  assert.match(Buffer.from(r.stdout, 'latin1').toString(), /sérvice ünïcode: up \(pid 5\) 0 seconds\n/);
  assert.match(r.stdout, /\nloop: unable to chdir: symbolic link loop\n/);
  assert.match(r.stdout, /: unable to chdir: file name too long\n/);
  for (const program of ['svc', 'svok']) {
    for (const dir of [utf8, 'loop', long, tooLong]) compare(program, program === 'svc' ? ['-u', dir] : [dir]);
  }
});

test('names that are not UTF-8 are found and printed byte for byte', () => {
  // Node would encode arguments as UTF-8, so a shell builds the raw bytes with printf.
  const shell = (cmd: string[], args: string) =>
    spawnSync('/bin/sh', ['-c', `cd "$1" && shift && exec "$@" ${args}`, 'sh', root, ...cmd], { encoding: 'latin1' });
  const raw = (text: string) => Buffer.from(`${root}/${text}`, 'latin1');
  mkdirSync(raw('caf\xe9'));
  mkdirSync(raw('x\xffy/supervise'), { recursive: true });
  const made = spawnSync('/bin/sh', [
    '-c',
    `cd "$1" && mkfifo "$(printf 'x\\377y')/supervise/ok" "$(printf 'x\\377y')/supervise/control"`,
    'sh',
    root,
  ]);
  assert.equal(made.status, 0, String(made.stderr));
  const okFd = openSync(raw('x\xffy/supervise/ok'), constants.O_RDONLY | constants.O_NONBLOCK);
  const controlFd = openSync(raw('x\xffy/supervise/control'), constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    writeFileSync(raw('x\xffy/supervise/status'), statusBytes(now() + 100_000, 21, 0, 0x75));
    const names = `"$(printf 'caf\\351')" "$(printf 'x\\377y')" "$(printf 'caf\\303\\251')"`;
    for (const [program, flags] of [
      ['svstat', ''],
      ['svc', '-u'],
      ['svok', ''],
    ] as const) {
      const ourCmd = [process.execPath, join(REPO, `packages/svc/bin/${program}.js`)];
      const runs = [shell([`/usr/bin/${program}`], `${flags} ${names}`), shell(ourCmd, `${flags} ${names}`)];
      const [theirs, mine] = runs.map((r) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr }));
      assert.deepEqual(mine, theirs, program);
      if (program === 'svstat') {
        assert.equal(
          mine?.stdout,
          'caf\xe9: unable to open supervise/ok: file does not exist\nx\xffy: up (pid 21) 0 seconds\n' +
            'caf\xc3\xa9: unable to chdir: file does not exist\n',
        );
      }
    }
    const buf = Buffer.alloc(16);
    assert.equal(
      buf.toString('latin1', 0, readSync(controlFd, buf, 0, 16, null)),
      'uu',
      'both svc runs reached x\\377y',
    );
  } finally {
    closeSync(okFd);
    closeSync(controlFd);
  }
});
