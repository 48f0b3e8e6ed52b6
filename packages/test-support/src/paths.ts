// Where the repository and our programs are, for tests that run them as real processes.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this module lives in packages/test-support/dist/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The argv that runs our program NAME of package PKG: the Node running the tests on its bin shim. */
export function ourProgram(pkg: string, name: string, ...args: string[]): string[] {
  return [process.execPath, join(REPO, 'packages', pkg, 'bin', `${name}.js`), ...args];
}

/** The argv that runs Debian's original /usr/bin/NAME. */
export function debianProgram(name: string, ...args: string[]): string[] {
  return [`/usr/bin/${name}`, ...args];
}
