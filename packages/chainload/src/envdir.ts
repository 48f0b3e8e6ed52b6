// envdir's directory format: one variable per file, exactly as daemontools 0.76 reads it.

import type { EnvChange } from './environment.js';
import { fs } from './node-fs.js';

/** Which step failed and on what, for `unable to switch to directory DIR` and friends. */
export class EnvDirError extends Error {
  constructor(text: string, cause: unknown) {
    super(text, { cause });
  }
}

/**
 * The value a file's contents give: the first line, trailing spaces and tabs removed, NUL bytes
 * turned into newlines; undefined (remove the variable) for an empty file.
 */
export function envDirValue(contents: Buffer): string | undefined {
  if (contents.length === 0) return undefined;
  const newline = contents.indexOf(0x0a);
  let end = newline === -1 ? contents.length : newline;
  while (end > 0 && (contents[end - 1] === 0x20 || contents[end - 1] === 0x09)) end -= 1;
  const line = Buffer.from(contents.subarray(0, end));
  for (let i = 0; i < line.length; i += 1) if (line[i] === 0) line[i] = 0x0a;
  return line.toString('utf8');
}

/**
 * The environment changes directory `dir` asks for, in readdir order, skipping names that start
 * with a dot. Throws EnvDirError with the original's wording on the first failure.
 */
export function readEnvDir(dir: string): EnvChange[] {
  try {
    // envdir chdir()s into the directory first: a missing one, a file or one without search
    // permission fails there, before any reading.
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    fs.accessSync(dir, fs.constants.X_OK);
  } catch (err) {
    throw new EnvDirError(`unable to switch to directory ${dir}`, err);
  }
  const names: string[] = [];
  try {
    const handle = fs.opendirSync(dir);
    try {
      for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) names.push(entry.name);
    } finally {
      handle.closeSync();
    }
  } catch (err) {
    throw new EnvDirError(`unable to read directory ${dir}`, err);
  }
  const changes: EnvChange[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    let contents: Buffer;
    try {
      contents = fs.readFileSync(`${dir}/${name}`);
    } catch (err) {
      throw new EnvDirError(`unable to read ${dir}/${name}`, err);
    }
    changes.push([name, envDirValue(contents)]);
  }
  return changes;
}
