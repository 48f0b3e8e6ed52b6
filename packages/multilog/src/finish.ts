// "Finishing" a file: hard-link it to @LABEL.s or @LABEL.u, remove the old name, keep N files.
import { linkSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';
import { nextLabel } from './label.js';
import type { Pause } from './pause.js';

/** How many old files a directory keeps. */
export interface Retention {
  /** At most `num - 1` old files. */
  num: number;
  /** Extension `S`: at most this many bytes of old files in all (0: no limit). */
  total: number;
}

/** Gives `dir/name` its final `@label.code` name, then trims the old files to the retention limits. */
export async function finishFile(
  pause: Pause,
  dir: string,
  name: string,
  code: 's' | 'u',
  retention: Retention,
): Promise<void> {
  const path = `${dir}/${name}`;
  const links = await pause.persist(`unable to stat ${path}`, () => {
    try {
      return statSync(path).nlink;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return 0;
      throw err;
    }
  });
  if (links === 0) return;
  if (links === 1) await linkToNewName(pause, dir, path, code);
  await pause.persist(`unable to remove ${path}`, () => unlinkSync(path));
  await trimOldFiles(pause, dir, retention);
}

async function linkToNewName(pause: Pause, dir: string, path: string, code: 's' | 'u'): Promise<void> {
  for (;;) {
    const target = `${dir}/${nextLabel()}.${code}`;
    const linked = await pause.persist(`unable to link to ${target}`, () => {
      try {
        linkSync(path, target);
        return true;
      } catch (err) {
        if (errorCode(err) === 'EEXIST') return false;
        throw err;
      }
    });
    if (linked) return;
  }
}

async function removeOldFile(pause: Pause, path: string): Promise<void> {
  await pause.persist(`unable to remove ${path}`, () => {
    try {
      unlinkSync(path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  });
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Deletes the oldest `@...` files (by the first 25 characters of their names) while there are
 * `num` or more, then, with a total limit, while their sizes add up to more than it.
 */
export async function trimOldFiles(pause: Pause, dir: string, retention: Retention): Promise<void> {
  const old = (await pause.persist(`unable to read ${dir}`, () => readdirSync(dir))).filter(
    (name) => name.startsWith('@') && name.length >= 25,
  );
  if (old.length < retention.num && retention.total <= 0) return;
  old.sort((a, b) => {
    const x = a.slice(0, 25);
    const y = b.slice(0, 25);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  let first = 0;
  for (; old.length - first >= retention.num; first++) await removeOldFile(pause, `${dir}/${old[first]}`);
  if (retention.total <= 0) return;
  const sizes = old.slice(first).map((name) => sizeOf(`${dir}/${name}`));
  let total = sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; total > retention.total && i < sizes.length; i++) {
    await removeOldFile(pause, `${dir}/${old[first + i]}`);
    total -= sizes[i]!;
  }
}
