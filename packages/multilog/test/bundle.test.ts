// bin/multilog.js runs dist/bundle/multilog.js when it is fresh (bin/multilog-host.js likewise its
// own): each must be what scripts/bundle.js makes from the modules compiled now, and multilog's
// must find the addon from its own directory.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshBundles } from '@fortress/test-support/bundle';
import { REPO } from '@fortress/test-support/paths';
import { tempDir } from '@fortress/test-support/temp-dir';
import { run } from './helpers.js';

const PKG = join(REPO, 'packages/multilog');
const BUNDLE = join(PKG, 'dist/bundle/multilog.js');
const HOST_BUNDLE = join(PKG, 'dist/bundle/multilog-host.js');

test('the bundles on disk are the ones scripts/bundle.js makes from the current modules', async () => {
  const fresh = await freshBundles('multilog');
  assert.deepEqual([...fresh.keys()].sort(), [HOST_BUNDLE, BUNDLE]);
  for (const bundle of [BUNDLE, HOST_BUNDLE]) {
    assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build`);
    assert.ok(readFileSync(bundle, 'utf8') === fresh.get(bundle), `${bundle} is stale: run npm run build`);
  }
});

test('the bundle runs multilog with its addon (a pipe is read through tee)', () => {
  const cwd = tempDir('multilog');
  const script = `const { main } = await import(${JSON.stringify(BUNDLE)}); process.exitCode = await main(['./d'], process.env);`;
  // A shell pipe (Node's own stdio pipes are socket pairs, which are read without tee).
  const r = run(
    ['/bin/sh', ['-c', `printf 'one\\ntwo' | exec "$0" --input-type=module -e "$1"`, process.execPath, script]],
    {
      cwd,
    },
  );
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(readFileSync(join(cwd, 'd', 'current'), 'latin1'), 'one\ntwo\n');
});
