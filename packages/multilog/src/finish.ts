// "Finishing" a file: hard-link it to @LABEL.s or @LABEL.u, remove the old name, keep N files.
import { linkSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { errorCode } from '@fortress/core/errors';
import { nextLabel } from './label.js';
import { persist } from './pause.js';

/** Gives `dir/name` its final `@label.code` name, then trims the directory to `num - 1` old files. */
export function finishFile(dir: string, name: string, code: 's' | 'u', num: number): void {
  const path = `${dir}/${name}`;
  const links = persist(`unable to stat ${path}`, () => {
    try {
      return statSync(path).nlink;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return 0;
      throw err;
    }
  });
  if (links === 0) return;
  if (links === 1) linkToNewName(dir, path, code);
  persist(`unable to remove ${path}`, () => unlinkSync(path));
  trimOldFiles(dir, num);
}

function linkToNewName(dir: string, path: string, code: 's' | 'u'): void {
  for (;;) {
    const target = `${dir}/${nextLabel()}.${code}`;
    const linked = persist(`unable to link to ${target}`, () => {
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

/** Deletes the oldest `@...` files (by the first 25 characters of their names) while there are `num` or more. */
export function trimOldFiles(dir: string, num: number): void {
  const old = persist(`unable to read ${dir}`, () => readdirSync(dir)).filter(
    (name) => name.startsWith('@') && name.length >= 25,
  );
  if (old.length < num) return;
  old.sort((a, b) => {
    const x = a.slice(0, 25);
    const y = b.slice(0, 25);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (let i = 0; old.length - i >= num; i++) {
    const victim = `${dir}/${old[i]}`;
    persist(`unable to remove ${victim}`, () => {
      try {
        unlinkSync(victim);
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
      }
    });
  }
}
