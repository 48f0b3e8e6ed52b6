// Giving up root (droproot.c): chdir to $ROOT and chroot there, then the group list, $GID and
// $UID. Everything the process will need must be loaded before this runs.
import { FortressError } from '@fortress/core/errors';
import { chroot } from '@fortress/core/libc';

/** A start-up failure in dnscache.c's words: a FortressError, ERR_SETUP (exit 111). */
export function setupError(text: string, cause?: unknown): FortressError {
  return new FortressError('ERR_SETUP', text, cause);
}

/** The leading decimal digits of a value, as scan_ulong reads them (0 when none). */
export function scanUlong(text: string): number {
  const m = /^\d+/.exec(text);
  return m ? Number(m[0]) : 0;
}

/**
 * An unprivileged dnscache (the quick start, a user's own instance) cannot chroot. When it is
 * not root and $UID and $GID are already its own ids, it only changes into $ROOT: there is no
 * privilege to give up, and its files are read relative to $ROOT all the same.
 */
export function runsUnprivileged(env: NodeJS.ProcessEnv): boolean {
  const uid = env['UID'];
  const gid = env['GID'];
  if (process.getuid?.() === 0 || uid === undefined || gid === undefined) return false;
  return scanUlong(uid) === process.getuid?.() && scanUlong(gid) === process.getgid?.();
}

export function dropRoot(env: NodeJS.ProcessEnv): void {
  const root = env['ROOT'];
  if (root === undefined) throw setupError('$ROOT not set');
  try {
    process.chdir(root);
  } catch (err) {
    throw setupError(`unable to chdir to ${root}`, err);
  }
  if (runsUnprivileged(env)) return;
  try {
    chroot('.');
  } catch (err) {
    throw setupError(`unable to chroot to ${root}`, err);
  }
  const gid = env['GID'];
  if (gid === undefined) throw setupError('$GID not set');
  try {
    process.setgroups!([scanUlong(gid)]);
    process.setgid!(scanUlong(gid));
  } catch (err) {
    throw setupError('unable to setgid', err);
  }
  const uid = env['UID'];
  if (uid === undefined) throw setupError('$UID not set');
  try {
    process.setuid!(scanUlong(uid));
  } catch (err) {
    throw setupError('unable to setuid', err);
  }
}
