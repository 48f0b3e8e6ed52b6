import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScript } from '@fortress/multilog/script';

test('t counts only as the first argument, and any word starting with t does', () => {
  assert.equal(parseScript(['t', './d']).stamp, 'tai64n');
  assert.equal(parseScript(['tfoo', './d']).stamp, 'tai64n');
  assert.equal(parseScript(['./d', 't']).stamp, 'none');
  assert.equal(parseScript(['e', 't', './d']).stamp, 'none');
  assert.equal(parseScript(['T', './d']).stamp, 'iso');
});

test('s and n apply to later directories, clamped as 0.76 does', () => {
  const s = parseScript(['./a', 's100', 'n1', './b', 's99999999', 'n5', '!gzip', './c', 'sabc', './d']);
  const dirs = s.actions.flatMap((a) => (a.op === 'dir' ? [a.settings] : []));
  assert.deepEqual(dirs, [
    { path: './a', size: 99999, num: 10, processor: undefined, maxAge: 0, total: 0 },
    { path: './b', size: 4096, num: 2, processor: undefined, maxAge: 0, total: 0 },
    { path: './c', size: 16777215, num: 5, processor: 'gzip', maxAge: 0, total: 0 },
    { path: './d', size: 4096, num: 5, processor: 'gzip', maxAge: 0, total: 0 },
  ]);
});

test('unknown actions are ignored (and listed for a warning); 0.76 has no N, E or u', () => {
  const s = parseScript(['zzz', 'N5', 'E', 'u', '', '/abs/dir']);
  assert.deepEqual(
    s.actions.map((a) => a.op),
    ['dir'],
  );
  assert.deepEqual(s.ignored, ['zzz', 'N5', 'E', 'u']);
});

test('patterns, e, =, 1 and directories keep their order', () => {
  const s = parseScript(['-*', '+* fatal: *', 'e', '=st', '1', './main']);
  assert.deepEqual(
    s.actions.map((a) => a.op),
    ['deselect', 'select', 'alert', 'status', 'stdout', 'dir'],
  );
  const select = s.actions[1];
  assert.ok(select?.op === 'select');
  assert.equal(select.pattern.toString(), '* fatal: *');
});

test('a (extension) sets the age limit for later directories', () => {
  const s = parseScript(['./a', 'a3600', './b', 'a99999999999', './c']);
  assert.deepEqual(
    s.actions.map((a) => (a.op === 'dir' ? a.settings.maxAge : -1)),
    [0, 3600, 2_147_483],
  );
});

test('S (extension) sets the total size of old files for later directories', () => {
  const s = parseScript(['./a', 'S1000000', './b']);
  assert.deepEqual(
    s.actions.map((a) => (a.op === 'dir' ? a.settings.total : -1)),
    [0, 1000000],
  );
});
