import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { FortressError } from '@fortress/core/errors';
import { parseOptions } from '@fortress/svscan/options';
import { REPO, SVSCAN } from './helpers.js';

test('parseOptions: defaults, flags, long names, SVSCAN_SUPERVISE', () => {
  assert.deepEqual(parseOptions([], {}), {
    dir: undefined,
    mode: 'process',
    json: false,
    quiet: false,
    keepOnRemove: false,
    supervise: undefined,
    intervalMs: 5000,
  });
  const o = parseOptions(['-1', '--keep', '-j', '-q', '-t', '250', '/srv'], { SVSCAN_SUPERVISE: '/usr/bin/supervise' });
  assert.equal(o.mode, 'one-process');
  assert.equal(o.keepOnRemove, true);
  assert.equal(o.json, true);
  assert.equal(o.quiet, true);
  assert.equal(o.intervalMs, 250);
  assert.equal(o.dir, '/srv');
  assert.equal(o.supervise, '/usr/bin/supervise');
  assert.equal(parseOptions(['--supervise', 'my-supervise'], {}).supervise, 'my-supervise');
  assert.equal(parseOptions(['-s', 'bin/sup'], {}).supervise, join(process.cwd(), 'bin/sup'));
  assert.equal(parseOptions(['--', '-odd'], {}).dir, '-odd');
});

test('parseOptions rejects bad input with the option named', () => {
  const usage = (text: string) => (err: unknown) =>
    err instanceof FortressError && err.code === 'ERR_USAGE' && err.text === text;
  assert.throws(() => parseOptions(['-z'], {}), usage('illegal option -- z'));
  assert.throws(() => parseOptions(['-s'], {}), usage('option requires an argument -- s'));
  assert.throws(() => parseOptions(['-s', ''], {}), usage('option -s needs a value'));
  assert.throws(() => parseOptions(['--json', '--supervise'], {}), usage('option requires an argument -- s'));
  assert.equal(parseOptions(['-s', '--json', '--json'], {}).json, true);
  assert.throws(
    () => parseOptions(['-t', 'soon'], {}),
    /option -t: expected milliseconds from 100 to 3600000, got soon/,
  );
  assert.throws(() => parseOptions(['-t', '5'], {}), /got 5$/);
  assert.throws(() => parseOptions(['a', 'b'], {}), /one directory expected, got 2/);
});

test('svscan exits 100 on a usage error and 111 when it cannot chdir', () => {
  const env = { ...process.env, PATH: `${REPO}node_modules/.bin:${process.env.PATH}` };
  const bad = spawnSync(process.execPath, [SVSCAN, '-x'], { env, encoding: 'utf8' });
  assert.equal(bad.status, 100);
  assert.equal(
    bad.stderr,
    'svscan: illegal option -- x\nsvscan: usage: svscan [-1] [-k] [-j] [-q] [-s supervise] [-t ms] [dir]\n',
  );
  const missing = spawnSync(process.execPath, [SVSCAN, '/nonexistent/scan/dir'], { env, encoding: 'utf8' });
  assert.equal(missing.status, 111);
  assert.equal(missing.stderr, 'svscan: fatal: unable to chdir to /nonexistent/scan/dir: file does not exist\n');
});
