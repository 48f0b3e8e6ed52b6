// envdir's directory format: one variable per file, as daemontools 0.76 reads it. File names
// and contents are bytes (a name need not be valid UTF-8), so they stay Buffers throughout.

import { FortressError } from '@fortress/core/errors';
import type { EnvChange } from './environment.js';
import { fs } from './node-fs.js';
import { readNow } from './read-now.js';
import { errorCode } from './report.js';

/** The code of envdir's failures (`unable to switch to directory DIR` and friends). */
export const ERR_ENVDIR = 'ERR_ENVDIR';

/** The text as bytes (a file name in it may not be UTF-8); the error's `text` is its UTF-8 reading. */
function envDirError(bytes: Buffer, cause: unknown): FortressError {
  return new FortressError(ERR_ENVDIR, bytes.toString(), cause, undefined, { bytes });
}

/**
 * The value a file's contents give: the first line, trailing spaces and tabs removed, NUL bytes
 * turned into newlines; undefined (remove the variable) for an empty file.
 */
export function envDirValue(contents: Buffer): Buffer | undefined {
  if (contents.length === 0) return undefined;
  const newline = contents.indexOf(0x0a);
  let end = newline === -1 ? contents.length : newline;
  while (end > 0 && (contents[end - 1] === 0x20 || contents[end - 1] === 0x09)) end -= 1;
  const line = Buffer.from(contents.subarray(0, end));
  for (let i = 0; i < line.length; i += 1) if (line[i] === 0) line[i] = 0x0a;
  return line;
}

/**
 * A file's contents as envdir takes them: read without waiting (read-now.ts: a FIFO with no
 * writer is empty), and a name that leads nowhere (a dangling symlink, or a file removed since
 * the directory was read) as an empty file, which removes the variable.
 */
function readEntry(path: Buffer): Buffer {
  try {
    return readNow(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}

/**
 * The environment changes directory `dir` asks for, in readdir order, skipping names that start
 * with a dot. Throws a FortressError (ERR_ENVDIR) with the original's wording on the first failure.
 */
export function readEnvDir(dir: string): EnvChange[] {
  try {
    // envdir chdir()s into the directory first: a missing one, a file or one without search
    // permission fails there, before any reading.
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    fs.accessSync(dir, fs.constants.X_OK);
  } catch (err) {
    throw envDirError(Buffer.from(`unable to switch to directory ${dir}`), err);
  }
  const names: Buffer[] = [];
  try {
    // With the buffer encoding (which Node supports but its types do not declare) names are bytes.
    const handle = fs.opendirSync(dir, { encoding: 'buffer' as BufferEncoding });
    try {
      for (let entry = handle.readSync(); entry !== null; entry = handle.readSync())
        names.push(entry.name as unknown as Buffer);
    } finally {
      handle.closeSync();
    }
  } catch (err) {
    throw envDirError(Buffer.from(`unable to read directory ${dir}`), err);
  }
  const changes: EnvChange[] = [];
  for (const name of names) {
    if (name[0] === 0x2e) continue; // `.`
    const path = Buffer.concat([Buffer.from(`${dir}/`), name]);
    let contents: Buffer;
    try {
      contents = readEntry(path);
    } catch (err) {
      throw envDirError(Buffer.concat([Buffer.from('unable to read '), path]), err);
    }
    changes.push([name, envDirValue(contents)]);
  }
  return changes;
}
