// svstat --json: the shape of each object, and when supervise/status.json is believed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FakeSupervise, mkfifo, ours, removeDir, statusBytes, tempDir } from './helpers.js';

let root: string;
const fakes: FakeSupervise[] = [];
const now = () => Math.floor(Date.now() / 1000);

before(() => {
  root = tempDir();
});

after(() => {
  for (const f of fakes) f.close();
  removeDir(root);
});

function fake(name: string, status: Buffer, extra?: unknown): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const f = new FakeSupervise(dir);
  fakes.push(f);
  f.writeStatus(status);
  if (extra !== undefined) {
    writeFileSync(join(dir, 'supervise/status.json'), typeof extra === 'string' ? extra : JSON.stringify(extra));
  }
  return dir;
}

function svstatJson(args: string[]): Record<string, unknown>[] {
  const r = ours('svstat', ['--json', ...args], root);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  assert.ok(r.stdout === '' || r.stdout.endsWith('\n'));
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A pid that surely belongs to no process now: a child that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

const lastExit = { code: null, signal: 'SIGTERM', at: 1_790_000_000_000 };

test('an up service with a current status.json: every field', () => {
  const stamp = now() - 12;
  const dir = fake('up', statusBytes(stamp, 4242, 1, 0x64), {
    pid: 4242,
    pgid: 4242,
    starts: 3,
    lastStart: stamp * 1000,
    lastExit,
    supervisor: process.pid,
  });
  const [j] = svstatJson([dir]);
  assert.ok(j);
  assert.ok(typeof j.seconds === 'number' && j.seconds >= 12 && j.seconds < 600);
  assert.deepEqual(
    { ...j, seconds: 0 },
    {
      dir,
      state: 'up',
      pid: 4242,
      seconds: 0,
      since: stamp * 1000,
      paused: true,
      want: 'down',
      normally: 'up',
      lastExit,
      starts: 3,
      restarts: 2,
      lastStart: stamp * 1000,
      supervisor: process.pid,
      startError: null,
      supervision: null,
      ready: null,
      readySince: null,
      nextStart: null,
      waitingFor: [],
      failedNeeds: [],
      type: null,
      error: null,
      errorCode: null,
      statusJsonError: null,
      statusJsonErrorCode: null,
    },
  );
});

test('ready and failed: the JSON fields, and the text line gains `, ready N seconds` / `, failed`', () => {
  const stamp = now() - 20;
  const base = { pgid: 0, starts: 1, lastStart: stamp * 1000, lastExit: null, supervisor: process.pid };
  const ready = fake('ready', statusBytes(stamp, 4343, 0, 0x75), {
    ...base,
    pid: 4343,
    pgid: 4343,
    state: 'ready',
    ready: true,
    readySince: (stamp + 5) * 1000,
    nextStart: null,
  });
  const starting = fake('starting', statusBytes(stamp, 4344, 0, 0x75), {
    ...base,
    pid: 4344,
    state: 'starting',
    ready: false,
    readySince: null,
  });
  const failed = fake('failed', statusBytes(stamp, 0, 0, 0x64), { ...base, pid: 0, state: 'failed', ready: null });
  const plain = fake('plain', statusBytes(stamp, 4345, 0, 0x75), { ...base, pid: 4345, state: 'up', ready: null });
  const [r, s, f] = svstatJson([ready, starting, failed]);
  assert.deepEqual([r?.supervision, r?.ready, r?.readySince], ['ready', true, (stamp + 5) * 1000]);
  assert.deepEqual([s?.supervision, s?.ready, s?.readySince], ['starting', false, null]);
  assert.deepEqual([f?.supervision, f?.ready, f?.state], ['failed', null, 'down']);
  const text = ours('svstat', [ready, starting, failed, plain]).stdout.replace(/\d+ seconds/g, 'N seconds');
  assert.equal(
    text,
    `${ready}: up (pid 4343) N seconds, ready N seconds\n` +
      `${starting}: up (pid 4344) N seconds\n` +
      `${failed}: down N seconds, normally up, failed\n` +
      `${plain}: up (pid 4345) N seconds\n`,
  );
});

test('waiting for needs/: the JSON fields, and the text line gains `, waiting for NAME, NAME (failed)`', () => {
  const stamp = now() - 7;
  const base = { pgid: 0, starts: 0, lastStart: null, lastExit: null, supervisor: process.pid, pid: 0 };
  const waiting = fake('waiting', statusBytes(stamp, 0, 0, 0x75), {
    ...base,
    state: 'waiting',
    ready: null,
    waitingFor: ['cache', 'db'],
    failedNeeds: ['db'],
  });
  const one = fake('waiting-one', statusBytes(stamp, 0, 0, 0x75), { ...base, state: 'waiting', waitingFor: ['db'] });
  const done = fake('done', statusBytes(stamp, 0, 0, 0x75), { ...base, starts: 1, state: 'done', type: 'oneshot' });
  const [w, o, d] = svstatJson([waiting, one, done]);
  assert.deepEqual(
    [w?.supervision, w?.waitingFor, w?.failedNeeds, w?.type],
    ['waiting', ['cache', 'db'], ['db'], null],
  );
  assert.deepEqual([o?.supervision, o?.waitingFor, o?.failedNeeds], ['waiting', ['db'], []]);
  assert.deepEqual([d?.supervision, d?.waitingFor, d?.type], ['done', [], 'oneshot']);
  const text = ours('svstat', [waiting, one]).stdout.replace(/\d+ seconds/g, 'N seconds');
  assert.equal(
    text,
    `${waiting}: down N seconds, normally up, want up, waiting for cache, db (failed)\n` +
      `${one}: down N seconds, normally up, want up, waiting for db\n`,
  );
  // Debian's svstat reads only the 18 bytes: the 0.76 line alone.
  const theirs = spawnSync('/usr/bin/svstat', [one], { encoding: 'utf8' });
  assert.equal(theirs.stdout.replace(/\d+ seconds/g, 'N seconds'), `${one}: down N seconds, normally up, want up\n`);
});

test('down, want up, normally down; paused is false when down', () => {
  const dir = fake('down', statusBytes(now(), 0, 1, 0x75));
  writeFileSync(join(dir, 'down'), '');
  const [j] = svstatJson([dir]);
  assert.equal(j?.state, 'down');
  assert.equal(j?.pid, 0);
  assert.equal(j?.paused, false);
  assert.equal(j?.want, 'up');
  assert.equal(j?.normally, 'down');
  assert.equal(j?.starts, null);
  assert.equal(fake('no-wish', statusBytes(now(), 0, 0, 0)) && svstatJson(['no-wish'])[0]?.want, 'none');
});

test('status.json is ignored when stale, mismatched or malformed', () => {
  const extra = { pid: 7, pgid: 7, starts: 5, lastStart: 1, lastExit, supervisor: process.pid };
  const dirs = [
    fake('dead-supervisor', statusBytes(now(), 7, 0, 0x75), { ...extra, supervisor: deadPid() }),
    fake('other-pid', statusBytes(now(), 8, 0, 0x75), extra),
    fake('malformed', statusBytes(now(), 7, 0, 0x75), '{"pid": 7, "starts": '),
    fake('not-an-object', statusBytes(now(), 7, 0, 0x75), '[7]'),
  ];
  for (const j of svstatJson(dirs)) {
    assert.equal(j.state, 'up', String(j.dir));
    assert.equal(j.starts, null, String(j.dir));
    assert.equal(j.restarts, null, String(j.dir));
    assert.equal(j.lastExit, null, String(j.dir));
    assert.equal(j.supervisor, null, String(j.dir));
  }
});

test('errors: unsupervised, unknown with the svstat text and errno name', () => {
  const notRunning = join(root, 'not-running');
  mkdirSync(join(notRunning, 'supervise'), { recursive: true });
  mkfifo(join(notRunning, 'supervise/ok'));
  writeFileSync(join(notRunning, 'down'), '');
  const truncated = fake('truncated', Buffer.alloc(5));
  const js = svstatJson([notRunning, truncated, 'nowhere', '--json']);
  assert.deepEqual(
    js.map((j) => [j.dir, j.state, j.error, j.errorCode, j.normally, j.pid]),
    [
      [notRunning, 'unsupervised', 'supervise not running', 'ENXIO', 'down', null],
      [truncated, 'unknown', 'unable to read supervise/status: bad format', 'BADFORMAT', 'up', null],
      ['nowhere', 'unknown', 'unable to chdir: file does not exist', 'ENOENT', null, null],
      ['--json', 'unknown', 'unable to chdir: file does not exist', 'ENOENT', null, null],
    ],
  );
});

test('--json alone prints nothing; --json not first is a directory name', () => {
  assert.deepEqual(ours('svstat', ['--json']), { status: 0, stdout: '', stderr: '' });
  assert.equal(
    ours('svstat', ['nowhere', '--json']).stdout,
    'nowhere: unable to chdir: file does not exist\n--json: unable to chdir: file does not exist\n',
  );
});

test('startError: why ./run could not be started, from a current status.json (issue 18)', () => {
  const startError = { text: 'unable to start norun/run: file does not exist', at: 1_790_000_001_000 };
  const extra = { pid: 0, pgid: 0, starts: 0, lastStart: null, lastExit: null, supervisor: process.pid };
  const failing = fake('start-error', statusBytes(now() - 3, 0, 0, 0x75), { ...extra, startError });
  const older = fake('no-start-error-field', statusBytes(now() - 3, 0, 0, 0x75), extra);
  const stale = fake('start-error-stale', statusBytes(now() - 3, 0, 0, 0x75), {
    ...extra,
    startError,
    supervisor: deadPid(),
  });
  const js = svstatJson([failing, older, stale]);
  assert.deepEqual(
    js.map((j) => [j.state, j.want, j.startError, j.starts, j.statusJsonError]),
    [
      ['down', 'up', startError, 0, null],
      ['down', 'up', null, 0, null],
      ['down', 'up', null, null, null],
    ],
  );
});

test('no supervise/ok at all is unsupervised too, with svstat text and ENOENT; the text line is 0.76s', () => {
  const never = join(root, 'never-supervised');
  mkdirSync(never);
  const [j] = svstatJson([never]);
  assert.deepEqual(
    [j?.state, j?.error, j?.errorCode, j?.normally],
    ['unsupervised', 'unable to open supervise/ok: file does not exist', 'ENOENT', 'up'],
  );
  assert.equal(ours('svstat', [never]).stdout, `${never}: unable to open supervise/ok: file does not exist\n`);
});
