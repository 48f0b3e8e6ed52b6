// The one way every package loads its Node-API addons (ARCHITECTURE.md, "Native code"):
// PACKAGE/prebuilds/PLATFORM-ARCH/NAME.node (shipped by `npm run pack`, no compiler needed),
// else PACKAGE/build/NAME.node (scripts/build-native.js). The caller names its package
// directory from a resolved module of its own package, which is right from dist/ and from a
// one-file bundle alike, so bundles need no rewriting. process.dlopen, not createRequire:
// that would set up the CommonJS loader (about 1.3 ms).
import { FortressError } from './errors.js';

const { existsSync } = process.getBuiltinModule('node:fs');

/** The code of the error loadAddon throws; programs print it as `PROG: fatal: unable to load ...`. */
export const ERR_ADDON = 'ERR_ADDON';

/**
 * The directory of the package that holds `specifier`, a module of it named by package
 * (`@fortress/core/libc`), resolved from `meta` (the caller's import.meta): a package's
 * exports map every `./X` to `./dist/X.js`, so the package is the directory above it.
 */
export function packageDir(meta: ImportMeta, specifier: string): string {
  return decodeURIComponent(new URL('..', meta.resolve(specifier)).pathname);
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
