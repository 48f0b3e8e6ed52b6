// The bin shims run dist/bundle/NAME.js when it exists: it must be what scripts/bundle.js makes
// from the modules compiled now, or the programs would run older code than the tests check.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshBundles } from '@fortress/test-support/bundle';
import { REPO } from '@fortress/test-support/paths';

const PKG = join(REPO, 'packages/chainload');

test('each bundle on disk is the one scripts/bundle.js makes from the current modules (or absent)', async () => {
  const fresh = await freshBundles('chainload');
  const programs = Object.keys(JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).bin);
  assert.equal(fresh.size, programs.length);
  for (const name of programs) {
    const path = join(PKG, 'dist/bundle', `${name}.js`);
    assert.equal(fresh.has(path), true, path);
    if (!existsSync(path)) continue;
    assert.ok(
      readFileSync(path, 'utf8') === fresh.get(path),
      `${path} is stale: run npm run build (or node scripts/bundle.js)`,
    );
  }
});
