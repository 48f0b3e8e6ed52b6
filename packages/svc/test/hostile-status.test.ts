// Issue 20.3: status readers must not trust their files. supervise/status and
// supervise/status.json that are FIFOs, symlinks to /dev/zero or /dev/urandom, huge files, or
// JSON with fields of the wrong type or range: svstat (text and --json) and svok answer at once
// (a timeout kills a hung or growing run and fails the test), report a bad file as a bad file,
// and match Debian's svstat wherever it reads only 18 bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeSupervise, mkfifo, OUR_BIN, type Run, removeDir, statusBytes, tempDir } from './helpers.js';

let root: string;
const fakes: FakeSupervise[] = [];
const heldFds: number[] = [];
const now = () => Math.floor(Date.now() / 1000);
/** Long enough for a loaded machine, far shorter than reading /dev/zero into memory would take to fail. */
const TIMEOUT_MS = 30_000;

before(() => {
  root = tempDir();
});

after(() => {
  for (const f of fakes) f.close();
  for (const fd of heldFds) closeSync(fd);
  removeDir(root);
});

/** Runs a program with a deadline: a run that hangs or grows is killed and shows as signal SIGTERM. */
function run(path: string, args: string[]): Run & { signal: NodeJS.Signals | null } {
  const r = spawnSync(path, args, { cwd: root, encoding: 'latin1', timeout: TIMEOUT_MS, maxBuffer: 1 << 20 });
  return { status: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}
const ours = (program: string, args: string[]) => run(process.execPath, [join(OUR_BIN, `${program}.js`), ...args]);
const debian = (program: string, args: string[]) => run(`/usr/bin/${program}`, args);

/** A service directory with a running (fake) supervise and a status file made by `make`. */
function service(name: string, make: (statusPath: string, jsonPath: string) => void): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const f = new FakeSupervise(dir);
  fakes.push(f);
  make(join(dir, 'supervise/status'), join(dir, 'supervise/status.json'));
  return name;
}

/** A FIFO; with `writer`, the test also holds it open for writing (a read then would block, not end). */
function fifo(path: string, writer = false): void {
  mkfifo(path);
  if (!writer) return;
  const readEnd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  heldFds.push(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK), readEnd);
}

function huge(path: string): void {
  writeFileSync(path, '');
  truncateSync(path, 4 * 1024 ** 3); // sparse: 4 GiB of zeros that take no disk
}

function svstatJson(dirs: string[]): Record<string, unknown>[] {
  const r = ours('svstat', ['--json', ...dirs]);
  assert.deepEqual([r.status, r.signal, r.stderr], [0, null, '']);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const goodStatus = () => statusBytes(now() - 5, process.pid, 0, 0x75);
const goodExtra = () => ({
  pid: process.pid,
  pgid: process.pid,
  starts: 1,
  lastStart: Date.now(),
  lastExit: null,
  supervisor: process.pid,
});

test('supervise/status: FIFO, /dev/zero, /dev/urandom, 4 GiB, directory; text beside Debian', () => {
  const dirs = {
    fifo: service('st-fifo', (s) => fifo(s)),
    fifoWriter: service('st-fifo-writer', (s) => fifo(s, true)),
    zero: service('st-zero', (s) => symlinkSync('/dev/zero', s)),
    urandom: service('st-urandom', (s) => symlinkSync('/dev/urandom', s)),
    huge: service('st-huge', huge),
    directory: service('st-directory', (s) => mkdirSync(s)),
  };
  const all = Object.values(dirs);
  const mine = ours('svstat', all);
  assert.deepEqual([mine.status, mine.signal, mine.stderr], [0, null, '']);
  const theirs = debian('svstat', all);
  // The seconds of a zero stamp move with the clock (in steps of 1024): compare the rest.
  const lines = (r: Run) =>
    new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.replace(/\d+ seconds/, 'N seconds')]));
  const [ourLines, debianLines] = [lines(mine), lines(theirs)];
  // Where Debian reads 18 bytes of a regular file, a FIFO nobody writes, or a directory, we print
  // the same; a device (or a FIFO someone holds open) is a bad file where Debian prints its bytes.
  for (const dir of [dirs.fifo, dirs.huge, dirs.directory]) assert.equal(ourLines.get(dir), debianLines.get(dir), dir);
  for (const dir of [dirs.zero, dirs.urandom, dirs.fifoWriter]) {
    assert.equal(ourLines.get(dir), `${dir}: unable to read supervise/status: bad format`);
  }
  assert.equal(debianLines.get(dirs.zero), `${dirs.zero}: down N seconds, normally up`);
  assert.equal(ourLines.get(dirs.huge), `${dirs.huge}: down N seconds, normally up`);
  assert.equal(ourLines.get(dirs.fifo), `${dirs.fifo}: unable to read supervise/status: bad format`);
  assert.equal(ourLines.get(dirs.directory), `${dirs.directory}: down N seconds, normally up`);

  const js = svstatJson(all);
  assert.deepEqual(
    js.map((j) => [j.dir, j.state, j.error, j.errorCode, j.pid, j.since, j.normally]),
    [
      [dirs.fifo, 'unknown', 'unable to read supervise/status: bad format', 'BADFORMAT', null, null, 'up'],
      [dirs.fifoWriter, 'unknown', 'unable to read supervise/status: bad format', 'BADFORMAT', null, null, 'up'],
      [dirs.zero, 'unknown', 'unable to read supervise/status: bad format', 'BADFORMAT', null, null, 'up'],
      [dirs.urandom, 'unknown', 'unable to read supervise/status: bad format', 'BADFORMAT', null, null, 'up'],
      // 18 zero bytes: a stamp 2^62 seconds before 1970 is no time a status can hold.
      [dirs.huge, 'unknown', 'unable to read supervise/status: bad format', 'BADFORMAT', null, null, 'up'],
      [dirs.directory, 'unknown', 'unable to read supervise/status: is a directory', 'EISDIR', null, null, 'up'],
    ],
  );
});

test('supervise/status with a garbage stamp: the text as 0.76, the JSON a bad file', () => {
  const future = Buffer.alloc(18, 0xff); // stamp 1.4e19 s after 1970: since would be 1.4e22
  const nanos = statusBytes(now() + 1000, 7, 0, 0x75);
  nanos.writeUInt32BE(1_500_000_000, 8);
  const dirs = [
    service('stamp-ones', (s) => writeFileSync(s, future)),
    service('stamp-nanos', (s) => writeFileSync(s, nanos)),
  ];
  const mine = ours('svstat', dirs);
  assert.deepEqual(mine.stdout, debian('svstat', dirs).stdout);
  assert.equal(mine.stdout, 'stamp-ones: up (pid 4294967295) 0 seconds, paused\nstamp-nanos: up (pid 7) 0 seconds\n');
  for (const j of svstatJson(dirs)) {
    assert.deepEqual([j.state, j.errorCode, j.since, j.seconds, j.pid], ['unknown', 'BADFORMAT', null, null, null]);
  }
});

test('supervise/status.json: FIFO, devices, huge, not JSON, wrong types and ranges are a bad status.json', () => {
  const bad = (name: string, extra: unknown) =>
    service(name, (s, j) => {
      writeFileSync(s, goodStatus());
      writeFileSync(j, typeof extra === 'string' ? extra : JSON.stringify(extra));
    });
  const withFile = (name: string, make: (j: string) => void) =>
    service(name, (s, j) => {
      writeFileSync(s, goodStatus());
      make(j);
    });
  const lastExit = { code: null, signal: 'SIGTERM', at: Date.now() };
  const cases: [string, string][] = [
    [withFile('js-fifo', (j) => fifo(j)), 'BADFORMAT'],
    [withFile('js-fifo-writer', (j) => fifo(j, true)), 'BADFORMAT'],
    [withFile('js-zero', (j) => symlinkSync('/dev/zero', j)), 'BADFORMAT'],
    [withFile('js-urandom', (j) => symlinkSync('/dev/urandom', j)), 'BADFORMAT'],
    [withFile('js-huge', huge), 'BADFORMAT'],
    [withFile('js-directory', (j) => mkdirSync(j)), 'EISDIR'],
    [bad('js-signal-number', { ...goodExtra(), lastExit: { ...lastExit, signal: 15 } }), 'BADFORMAT'],
    [bad('js-signal-object', { ...goodExtra(), lastExit: { ...lastExit, signal: { name: 'x' } } }), 'BADFORMAT'],
    [bad('js-last-exit-array', { ...goodExtra(), lastExit: [1, 2, 3] }), 'BADFORMAT'],
    [bad('js-code-1e300', { ...goodExtra(), lastExit: { code: 1e300, signal: null, at: 1 } }), 'BADFORMAT'],
    [bad('js-code-and-signal', { ...goodExtra(), lastExit: { code: 1, signal: 'SIGTERM', at: 1 } }), 'BADFORMAT'],
    [bad('js-last-start-1e22', { ...goodExtra(), lastStart: 1.21e22 }), 'BADFORMAT'],
    [bad('js-starts-string', { ...goodExtra(), starts: '3' }), 'BADFORMAT'],
    [bad('js-start-error-number', { ...goodExtra(), startError: 5 }), 'BADFORMAT'],
    [bad('js-start-error-no-at', { ...goodExtra(), startError: { text: 'x' } }), 'BADFORMAT'],
    [bad('js-supervisor-huge', { ...goodExtra(), supervisor: 2 ** 32 - 1 }), 'BADFORMAT'],
    [bad('js-not-utf8', Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1')), 'BADFORMAT'],
    [bad('js-truncated', '{"pid": 7, "starts": '), 'BADFORMAT'],
  ];
  const dirs = cases.map(([dir]) => dir);
  const js = svstatJson(dirs);
  assert.equal(js.length, cases.length);
  cases.forEach(([dir, code], i) => {
    const j = js[i]!;
    const text = code === 'EISDIR' ? 'is a directory' : 'bad format';
    assert.deepEqual(
      [j.dir, j.state, j.pid, j.error, j.lastExit, j.starts, j.supervisor, j.startError],
      [dir, 'up', process.pid, null, null, null, null, null],
    );
    assert.deepEqual(
      [j.statusJsonError, j.statusJsonErrorCode],
      [`unable to read supervise/status.json: ${text}`, code],
    );
  });
  // The text line reads no status.json: the same as Debian's.
  const mine = ours('svstat', dirs);
  assert.equal(mine.signal, null);
  assert.match(mine.stdout, /^js-fifo: up \(pid \d+\) \d+ seconds\n/);
});

test('svok answers at once whatever the status files are, as Debian', () => {
  const dirs = [
    service('ok-status-fifo', (s, j) => {
      fifo(s, true);
      fifo(j, true);
    }),
    service('ok-status-zero', (s, j) => {
      symlinkSync('/dev/zero', s);
      symlinkSync('/dev/zero', j);
    }),
  ];
  for (const dir of dirs) {
    const mine = ours('svok', [dir]);
    assert.deepEqual(mine, { ...debian('svok', [dir]), signal: null });
    assert.equal(mine.status, 0);
  }
});
