// fortress status on status files written by hand, with a supervise/ok FIFO this test holds open
// (a "running supervise"): why a service fails in one place (issue 18: the last start error, the
// last exit never `exit null`), and status files it must not trust (issue 20.3: FIFOs, devices,
// huge files, JSON of the wrong types), each run under a deadline so a hang or a growing read
// fails the test instead of holding it.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { FORTRESS } from './helpers.js';

const dir = tempDir('status-files');
const heldFds: number[] = [];
after(() => {
  for (const fd of heldFds) closeSync(fd);
});

function fifo(path: string, writer = false): void {
  execFileSync('mkfifo', ['-m', '600', path]);
  heldFds.push(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  if (writer) heldFds.push(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
}

/** An 18-byte status: stamp (Unix seconds), pid, paused, want. */
function statusBytes(unixSeconds: number, pid: number, want = 0x75): Buffer {
  const buf = Buffer.alloc(18);
  buf.writeBigUInt64BE(0x400000000000000an + BigInt(unixSeconds), 0);
  buf.writeUInt32LE(pid, 12);
  buf[17] = want;
  return buf;
}

/** A service under SCAN whose supervise is "running" (this test reads its ok FIFO). */
function service(scan: string, name: string, status: (path: string) => void, json?: (path: string) => void): void {
  const sup = join(scan, name, 'supervise');
  mkdirSync(sup, { recursive: true });
  fifo(join(sup, 'ok'));
  status(join(sup, 'status'));
  json?.(join(sup, 'status.json'));
}

const nowS = () => Math.floor(Date.now() / 1000);
const write = (data: unknown) => (path: string) =>
  writeFileSync(path, Buffer.isBuffer(data) || typeof data === 'string' ? data : JSON.stringify(data));
const extra = (more: object = {}) => ({
  pid: 0,
  pgid: 0,
  starts: 1,
  lastStart: Date.now() - 60_000,
  lastExit: null,
  supervisor: process.pid,
  ...more,
});

function status(scan: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [FORTRESS, 'status', scan, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 1 << 20,
  });
  assert.deepEqual([r.status, r.signal, r.stderr], [0, null, ''], 'fortress status ends at once, quietly');
  return r.stdout;
}

/** The table's rows by service name, cells split on runs of two or more spaces. */
function rows(table: string): Map<string, string[]> {
  return new Map(
    table
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/ {2,}/))
      .map((cells) => [cells[0] ?? '', cells]),
  );
}

const START_ERROR = 'unable to start norun/run: file does not exist';

const whyScan = join(dir, 'why');
service(
  whyScan,
  'norun',
  write(statusBytes(nowS() - 5, 0)),
  write(extra({ starts: 0, lastStart: null, startError: { text: START_ERROR, at: Date.now() - 3000 } })),
);
service(
  whyScan,
  'adopted',
  write(statusBytes(nowS() - 5, 0)),
  write(extra({ lastExit: { code: null, signal: null, at: Date.now() } })),
);
service(
  whyScan,
  'exited',
  write(statusBytes(nowS() - 5, 0)),
  write(extra({ lastExit: { code: 2, signal: null, at: Date.now() } })),
);
service(
  whyScan,
  'killed',
  write(statusBytes(nowS() - 5, 0)),
  write(extra({ lastExit: { code: null, signal: 'SIGKILL', at: Date.now() } })),
);

test('status: a run that cannot start says why, in the table and the JSON (issue 18)', () => {
  const table = rows(status(whyScan));
  assert.deepEqual(table.get('SERVICE'), [
    'SERVICE',
    'STATE',
    'PID',
    'UPTIME',
    'RESTARTS',
    'LAST EXIT',
    'MEMORY (USS)',
    'PROBLEM',
  ]);
  const norun = table.get('norun');
  assert.deepEqual(norun?.slice(0, 2), ['norun', 'down (normally up, want up)']);
  assert.match(norun?.at(-1) ?? '', /^unable to start norun\/run: file does not exist \(\d+s ago\)$/);
  const [json] = JSON.parse(status(whyScan, '--json')).filter((s: { name: string }) => s.name === 'norun');
  assert.deepEqual(json.startError?.text, START_ERROR);
  assert.deepEqual([json.state, json.normally, json.want, json.pid, json.error], ['down', 'up', 'up', 0, null]);
});

test('status: control characters in a start error cannot break the table', () => {
  const scan = join(dir, 'newline');
  const text = 'unable to start a\nb\x1b[2J/run: file does not exist';
  service(scan, 'odd', write(statusBytes(nowS() - 5, 0)), write(extra({ startError: { text, at: Date.now() } })));
  const out = status(scan);
  assert.equal(out.split('\n').length, 3, out);
  assert.match(out, /^odd .* unable to start a\?b\?\[2J\/run: file does not exist \(\d+s ago\)$/m);
  const [json] = JSON.parse(status(scan, '--json'));
  assert.equal(json.startError.text, text);
});

test('status: LAST EXIT is a signal, an exit code, or unknown; never exit null', () => {
  const table = rows(status(whyScan));
  assert.equal(table.get('adopted')?.[5], 'unknown');
  assert.equal(table.get('exited')?.[5], 'exit 2');
  assert.equal(table.get('killed')?.[5], 'SIGKILL');
  assert.doesNotMatch(status(whyScan), /null|undefined/);
});

test('status --watch shows the start error too, until SIGTERM', async () => {
  const child = spawn(process.execPath, [FORTRESS, 'status', whyScan, '--watch', '--interval', '0.2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor('two redraws with the start error', () => out.split(START_ERROR).length > 2);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test('status: hostile supervise/status files are unknown, with the reason, at once (issue 20.3)', () => {
  const scan = join(dir, 'hostile-status');
  service(scan, 'fifo', (p) => fifo(p));
  service(scan, 'fifo-writer', (p) => fifo(p, true));
  service(scan, 'zero', (p) => symlinkSync('/dev/zero', p));
  service(scan, 'urandom', (p) => symlinkSync('/dev/urandom', p));
  service(scan, 'huge', (p) => {
    writeFileSync(p, '');
    truncateSync(p, 4 * 1024 ** 3);
  });
  service(scan, 'directory', (p) => mkdirSync(p));
  service(scan, 'short', write(Buffer.alloc(5)));
  const bad = 'unable to read supervise/status: bad format';
  const expected: Record<string, string> = {
    directory: 'unable to read supervise/status: is a directory',
    fifo: bad,
    'fifo-writer': bad,
    huge: bad,
    short: bad,
    urandom: bad,
    zero: bad,
  };
  const table = rows(status(scan));
  for (const [name, problem] of Object.entries(expected)) {
    assert.deepEqual(table.get(name), [name, 'unknown', '-', '-', '-', '-', '-', problem], name);
  }
  const json = JSON.parse(status(scan, '--json')) as {
    name: string;
    state: string;
    error: string;
    errorCode: string;
  }[];
  assert.deepEqual(
    json.map((s) => [s.name, s.state, s.error, s.errorCode]),
    Object.entries(expected).map(([name, problem]) => [
      name,
      'unknown',
      problem,
      name === 'directory' ? 'EISDIR' : 'BADFORMAT',
    ]),
  );
});

test('status: a status.json of the wrong types, a device, a FIFO or huge is a bad file, the rest still shown', () => {
  const scan = join(dir, 'hostile-json');
  const up = statusBytes(nowS() - 5, process.pid);
  const good = extra({ pid: process.pid, pgid: process.pid });
  const lastExit = { code: null, signal: 'SIGTERM', at: Date.now() };
  const cases: Record<string, (p: string) => void> = {
    'signal-number': write({ ...good, lastExit: { ...lastExit, signal: 15 } }),
    'signal-object': write({ ...good, lastExit: { ...lastExit, signal: { no: 1 } } }),
    'last-exit-array': write({ ...good, lastExit: [1, 2, 3] }),
    'code-1e300': write({ ...good, lastExit: { code: 1e300, signal: null, at: 1 } }),
    'last-start-1e22': write({ ...good, lastStart: 1.21e22 }),
    zero: (p) => symlinkSync('/dev/zero', p),
    urandom: (p) => symlinkSync('/dev/urandom', p),
    fifo: (p) => fifo(p, true),
    huge: (p) => {
      writeFileSync(p, '');
      truncateSync(p, 4 * 1024 ** 3);
    },
  };
  for (const [name, make] of Object.entries(cases)) service(scan, name, write(up), make);
  const table = rows(status(scan));
  for (const name of Object.keys(cases)) {
    const row = table.get(name);
    assert.deepEqual(row?.slice(0, 3), [name, 'up', String(process.pid)], name);
    assert.deepEqual(row?.slice(4, 6), ['-', '-'], `${name}: no restarts, no last exit from a bad file`);
    assert.equal(row?.at(-1), 'unable to read supervise/status.json: bad format', name);
  }
  const json = JSON.parse(status(scan, '--json')) as Record<string, unknown>[];
  for (const s of json) {
    assert.deepEqual(
      [s.state, s.lastExit, s.restarts, s.statusJsonError, s.statusJsonErrorCode],
      ['up', null, null, 'unable to read supervise/status.json: bad format', 'BADFORMAT'],
      String(s.name),
    );
  }
});
