// Issue 18: `multilog t main` (no ./) logs nothing, as 0.76 does, but ours says so once on stderr.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debianCommand, ourCommand, removeDir, run, tempDir } from './helpers.js';

let root: string;
before(() => {
  root = tempDir();
});
after(() => removeDir(root));

test('ours: an action that is no directory (main) exits 0 as 0.76 does, with one warning', () => {
  const cwd = join(root, 'ours');
  mkdirSync(cwd);
  const r = run(ourCommand('multilog', ['t', 'main']), { cwd, input: 'one\ntwo\nthree\n' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, 'multilog: warning: action main is not a directory (./main?) and does nothing\n');
  assert.deepEqual(readdirSync(cwd), []);
});

test('ours: each such action is named once; real actions and empty arguments are not', () => {
  const cwd = join(root, 'several');
  mkdirSync(cwd);
  const r = run(ourCommand('multilog', ['t', 'main', '', 'n5', 'zzz', './d']), { cwd, input: 'one\ntwo\n' });
  assert.equal(r.status, 0);
  assert.equal(
    r.stderr,
    'multilog: warning: action main is not a directory (./main?) and does nothing\n' +
      'multilog: warning: action zzz is not a directory (./zzz?) and does nothing\n',
  );
  assert.ok(existsSync(join(cwd, 'd', 'current')));
  assert.ok(!existsSync(join(cwd, 'main')));
});

test('debian: the same script exits 0 silently and writes nothing', () => {
  const cwd = join(root, 'debian');
  mkdirSync(cwd);
  const r = run(debianCommand('multilog', ['t', 'main']), { cwd, input: 'one\ntwo\nthree\n' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
  assert.deepEqual(readdirSync(cwd), []);
});
