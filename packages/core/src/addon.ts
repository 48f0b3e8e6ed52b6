// The one way every package loads its Node-API addons (ARCHITECTURE.md, "Native code"):
// PACKAGE/prebuilds/PLATFORM-ARCH/NAME.node (shipped by `npm run pack`, no compiler needed),
// else PACKAGE/build/NAME.node (scripts/build-native.js). The caller finds PACKAGE with
// packageDir from its own import.meta.url, which is right from dist/ and from a one-file bundle
// in another package alike, so bundles need no rewriting. process.dlopen, not createRequire:
// that would set up the CommonJS loader (about 1.3 ms).
import { FortressError } from './errors.js';

const { existsSync } = process.getBuiltinModule('node:fs');

/** The code of the error loadAddon throws; programs print it as `PROG: fatal: unable to load ...`. */
export const ERR_ADDON = 'ERR_ADDON';

/**
 * The directory (with a trailing slash) of package `@fortress/NAME`, seen from the module at
 * `url` (the caller's import.meta.url): the module's own package when it is that one, else
 * the first `node_modules/@fortress/NAME` up from it, as Node's resolution finds a dependency.
 * A package's directory is named as the package, in a checkout (packages/NAME) and an install
 * (node_modules/@fortress/NAME) alike, and its modules live under its dist/ (dist/bundle/ for
 * bundles). A few existsSync calls: import.meta.resolve would cost milliseconds on first use.
 */
export function packageDir(url: string, name: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  const own = path.slice(0, path.lastIndexOf('/dist/') + 1);
  if (own.endsWith(`/${name}/`)) return own;
  for (let dir = own; dir.length > 1; dir = dir.slice(0, dir.lastIndexOf('/', dir.length - 2) + 1)) {
    const candidate = `${dir}node_modules/@fortress/${name}/`;
    if (existsSync(candidate)) return candidate;
  }
  return own; // loadAddon then says which file is missing.
}

/**
 * Loads addon `name` of the package in `dir` (packageDir). Throws a FortressError
 * (ERR_ADDON, `unable to load PATH: REASON`), never a loader stack, when it cannot.
 */
export function loadAddon<T>(dir: string, name: string): T {
  const prebuilt = `${dir}prebuilds/${process.platform}-${process.arch}/${name}.node`;
  const built = `${dir}build/${name}.node`;
  let failure: unknown;
  let failedPath = built;
  for (const path of [prebuilt, built]) {
    // A missing candidate is the common case (a checkout has no prebuilds/): no exception for it.
    if (!existsSync(path)) continue;
    const module = { exports: {} as T };
    try {
      process.dlopen(module, path);
      return module.exports;
    } catch (err) {
      // A prebuild this machine cannot load (another libc): a local build may still do.
      if (failure === undefined) [failure, failedPath] = [err, path];
    }
  }
  if (failure === undefined) {
    throw new FortressError(
      ERR_ADDON,
      `unable to load ${built}: file does not exist (nor a prebuilt ${process.platform}-${process.arch} one: run npm run build)`,
    );
  }
  // dlopen's text starts with the path it was given; say the path once.
  const reason = (String((failure as Error).message ?? failure).split('\n')[0] ?? '').replace(/^\S+\.node: /, '');
  throw new FortressError(ERR_ADDON, `unable to load ${failedPath}: ${reason}`);
}
