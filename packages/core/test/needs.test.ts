// needs/ as read by a dependent: the list of names, and what each needed service's status says.
// The needed services' supervise/ok FIFOs are held open for reading here, as a running
// supervise holds them, and their status files are written as fortress's and daemontools'
// supervise write them.
import assert from 'node:assert/strict';
import { closeSync, constants, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { validExtraStatus } from '@fortress/core/extra-status';
import { mkfifo } from '@fortress/core/libc';
import { checkNeeds, needSatisfied, needState, readNeeds } from '@fortress/core/needs';
import { encodeStatus } from '@fortress/core/status-record';
import { wallTime } from '@fortress/core/tai64n';
import { tempDir } from '@fortress/test-support/temp-dir';

const scan = tempDir('needs');
const held: number[] = [];
after(() => {
  for (const fd of held) closeSync(fd);
});

/** SCAN/NAME as a running supervise leaves it: ok FIFO with a reader, status, maybe status.json. */
function service(name: string, pid: number, extra?: Record<string, unknown>): string {
  const dir = join(scan, name);
  mkdirSync(join(dir, 'supervise'), { recursive: true });
  mkfifo(join(dir, 'supervise', 'ok'), 0o600);
  held.push(openSync(join(dir, 'supervise', 'ok'), constants.O_RDONLY | constants.O_NONBLOCK));
  writeFileSync(join(dir, 'supervise', 'status'), encodeStatus({ since: wallTime(), pid, paused: false, want: 'up' }));
  if (extra) {
    const json = { pid, pgid: pid, starts: 1, lastStart: null, lastExit: null, supervisor: process.pid, ...extra };
    writeFileSync(join(dir, 'supervise', 'status.json'), JSON.stringify(json));
  }
  return dir;
}

test('readNeeds: sorted names from files and symlinks; hidden entries are bad; no needs/ is no needs', () => {
  const dir = join(scan, 'dependent');
  mkdirSync(join(dir, 'needs'), { recursive: true });
  writeFileSync(join(dir, 'needs', 'zeta'), '');
  symlinkSync('../../alpha', join(dir, 'needs', 'alpha'));
  writeFileSync(join(dir, 'needs', '.hidden'), '');
  assert.deepEqual(readNeeds(dir), { names: ['alpha', 'zeta'], bad: ['.hidden'] });
  assert.deepEqual(readNeeds(join(scan, 'nothing-here')), { names: [], bad: [] });
  const fileNotDir = join(scan, 'needs-is-a-file');
  mkdirSync(fileNotDir);
  writeFileSync(join(fileNotDir, 'needs'), '');
  assert.deepEqual(readNeeds(fileNotDir), { names: [], bad: [] });
});

test('needState: ready, up without readiness and done satisfy; starting, up never-ready, down, waiting do not', () => {
  const cases: [string, number, Record<string, unknown> | undefined, string][] = [
    ['ready', 101, { state: 'ready', ready: true }, 'satisfied'],
    ['plain-up', 102, { state: 'up', ready: null }, 'satisfied'],
    ['done', 0, { state: 'done', type: 'oneshot' }, 'satisfied'],
    ['starting', 103, { state: 'starting', ready: false }, 'unsatisfied'],
    ['never-ready', 104, { state: 'up', ready: false }, 'unsatisfied'],
    ['down', 0, { state: 'down' }, 'unsatisfied'],
    ['waiting', 0, { state: 'waiting', waitingFor: ['x'] }, 'unsatisfied'],
    ['stopping', 105, { state: 'stopping', ready: null }, 'unsatisfied'],
    ['failed', 0, { state: 'failed' }, 'failed'],
    // daemontools' supervise: no status.json, up is all there is
    ['debian-up', 106, undefined, 'satisfied'],
    ['debian-down', 0, undefined, 'unsatisfied'],
  ];
  for (const [name, pid, extra, expected] of cases) {
    const dir = service(name, pid, extra);
    assert.equal(needState(dir), expected, name);
    assert.equal(needSatisfied(dir), expected === 'satisfied', name);
  }
  assert.equal(needState(join(scan, 'no-such-service')), 'missing');
  const unsupervised = join(scan, 'unsupervised');
  mkdirSync(unsupervised);
  assert.equal(needState(unsupervised), 'unsatisfied');
});

test('checkNeeds: the unsatisfied names, with the failed and missing ones apart', () => {
  assert.deepEqual(checkNeeds(['starting', 'ready', 'failed', 'ghost', 'done'], scan), {
    waitingFor: ['failed', 'ghost', 'starting'],
    failedNeeds: ['failed'],
    missing: ['ghost'],
  });
  assert.deepEqual(checkNeeds([], scan), { waitingFor: [], failedNeeds: [], missing: [] });
});

test('status.json: waitingFor, failedNeeds, type, status and the waiting and done states are validated', () => {
  const base = { pid: 0, pgid: 0, starts: 0, lastStart: null, lastExit: null, supervisor: 1 };
  const fields = { state: 'waiting', waitingFor: ['a', 'b'], failedNeeds: ['b'], type: 'oneshot' };
  assert.deepEqual(validExtraStatus({ ...base, ...fields }), { ...base, startError: null, ...fields });
  assert.equal(validExtraStatus({ ...base, state: 'done' })?.state, 'done');
  assert.equal(validExtraStatus({ ...base, statusText: 'listening on 8080' })?.statusText, 'listening on 8080');
  assert.equal(validExtraStatus({ ...base, statusText: null })?.statusText, null);
  for (const wrong of [
    { waitingFor: 'a' },
    { waitingFor: ['../a'] },
    { waitingFor: ['.a'] },
    { waitingFor: [''] },
    { failedNeeds: [1] },
    { type: 'longrun' },
    { statusText: 7 },
    { statusText: 'x'.repeat(2049) },
    { waitingFor: Array.from({ length: 1001 }, (_, i) => `s${i}`) },
  ]) {
    assert.equal(validExtraStatus({ ...base, ...wrong }), undefined, JSON.stringify(wrong).slice(0, 60));
  }
});

test('needState: a fortress supervise between its two status writes (the 18-byte status new, status.json old) does not satisfy', () => {
  // The 18-byte status already names the new ./run (a oneshot's first try); status.json still
  // says down with pid 0: read alone, the 18-byte record would pass for daemontools' "up".
  const dir = service('mid-write', 4242, { state: 'down' });
  writeFileSync(
    join(dir, 'supervise', 'status'),
    encodeStatus({ since: wallTime(), pid: 4242, paused: false, want: 'up' }),
  );
  const json = { pid: 0, pgid: 0, starts: 0, lastStart: null, lastExit: null, supervisor: process.pid, state: 'down' };
  writeFileSync(join(dir, 'supervise', 'status.json'), JSON.stringify(json));
  assert.equal(needState(dir), 'unsatisfied');
  // Daemontools' supervise (no status.json): up is satisfied, as before.
  assert.equal(needState(service('daemontools-up', 4243)), 'satisfied');
});
