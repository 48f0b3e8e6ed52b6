// bin/multilog.js runs dist/bundle/multilog.js when it is fresh: it must be what scripts/bundle.js
// makes from the modules compiled now, and it must find the addon from its own directory.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, removeDir, run, tempDir } from './helpers.js';

const PKG = join(REPO, 'packages/multilog');
const BUNDLE = join(PKG, 'dist/bundle/multilog.js');

test('the bundle on disk is the one scripts/bundle.js makes from the current modules', async () => {
  const script = new URL(`file://${REPO}/scripts/bundle.js`).href;
  type Bundler = { bundlePackage(pkgDir: string, write: boolean): Promise<Map<string, string>> };
  const { bundlePackage } = (await import(script)) as Bundler;
  const fresh = await bundlePackage(PKG, false);
  assert.deepEqual([...fresh.keys()], [BUNDLE]);
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`);
  assert.ok(readFileSync(BUNDLE, 'utf8') === fresh.get(BUNDLE), `${BUNDLE} is stale: run npm run build`);
});

test('the bundle runs multilog with its addon (a pipe is read through tee)', () => {
  const cwd = tempDir();
  try {
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
  } finally {
    removeDir(cwd);
  }
});
