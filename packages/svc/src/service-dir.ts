// Paths inside a service directory, resolved as daemontools does after chdir(DIR): DIR is used
// exactly as typed (no normalisation, so `link/..` resolves as the kernel does).
import { accessSync, constants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { SystemError } from '@fortress/core/errors';

/** DIR/NAME as one string the kernel resolves exactly like NAME after chdir(DIR). */
export function inService(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** Throws what chdir(DIR) would fail with: ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG... */
export function checkChdir(dir: string): void {
  if (dir === '') throw new SystemError('chdir', osConstants.errno.ENOENT);
  const st = statSync(dir);
  if (!st.isDirectory()) throw new SystemError('chdir', osConstants.errno.ENOTDIR);
  accessSync(dir, constants.X_OK);
}
