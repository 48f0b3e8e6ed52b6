// The one-file bundles of scripts/bundle.js, for tests that check the ones on disk are fresh.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './paths.js';

type Bundler = { bundlePackage(pkgDir: string, write: boolean): Promise<Map<string, string>> };

/** What scripts/bundle.js makes for packages/PKG from the modules compiled now: path to text, nothing written. */
export async function freshBundles(pkg: string): Promise<Map<string, string>> {
  const { bundlePackage } = (await import(pathToFileURL(join(REPO, 'scripts/bundle.js')).href)) as Bundler;
  return bundlePackage(join(REPO, 'packages', pkg), false);
}
