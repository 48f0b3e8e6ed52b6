// Where our programs are, and the environments benchmarks run ours and the peers in.
import { join } from 'node:path';

export const REPO = new URL('../../', import.meta.url).pathname;
/** npm's bin directory: our programs by their names. */
export const BIN = join(REPO, 'node_modules/.bin');

/** packages/PKG/bin/NAME.js: run it with process.execPath. */
export function ourProgram(pkg, name) {
  return join(REPO, 'packages', pkg, 'bin', `${name}.js`);
}

/** Ours first on PATH (a supervise started by our svscan is ours). */
export const oursEnv = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };
/** The peers must find Debian's programs, not ours. */
export const peerEnv = { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
