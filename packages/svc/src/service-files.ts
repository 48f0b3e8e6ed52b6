// How svc, svstat and svok touch a service directory, as daemontools does after chdir(DIR):
// DIR is used exactly as typed, supervise/control and supervise/ok are opened
// O_WRONLY|O_NONBLOCK (a FIFO nobody reads fails at once with ENXIO: "supervise not running"),
// and writes behave as blocking writes. One module so that start-up loads few files.
// Builtins come from process.getBuiltinModule: an ES `import ... from 'node:fs'` builds fs's
// whole namespace (fs/promises, streams), about 8 ms of start-up. Names are byte strings
// (see byte-strings.ts).
import { errorCode } from '@fortress/core/error-text';
import { bytesOf } from './byte-strings.js';

const { accessSync, closeSync, constants, openSync, statSync, writeSync } = process.getBuiltinModule('node:fs');
const { errno } = process.getBuiltinModule('node:os').constants;

/** An error shaped like Node's fs errors (`code`, `errno`, `syscall`), for checks done by hand. */
function systemError(syscall: string, code: 'ENOENT' | 'ENOTDIR'): Error {
  return Object.assign(new Error(`${syscall}: ${code}`), { code, errno: -errno[code], syscall });
}

/** DIR/NAME as one string the kernel resolves exactly like NAME after chdir(DIR). */
export function inService(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** Throws what chdir(DIR) would fail with: ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG... */
export function checkChdir(dir: string): void {
  if (dir === '') throw systemError('chdir', 'ENOENT');
  const st = statSync(bytesOf(dir));
  if (!st.isDirectory()) throw systemError('chdir', 'ENOTDIR');
  accessSync(bytesOf(dir), constants.X_OK);
}

/** Opens PATH for writing without blocking; throws the open error (ENXIO: no reader). */
export function openWriteNonBlocking(path: string): number {
  return openSync(bytesOf(path), constants.O_WRONLY | constants.O_NONBLOCK);
}

/** True when an open error means nobody holds the FIFO open for reading. */
export function isNoReader(err: unknown): boolean {
  return errorCode(err) === 'ENXIO';
}

/** Checks that PATH can be opened for writing without blocking, and closes it again. */
export function probeWritable(path: string): void {
  closeSync(openWriteNonBlocking(path));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes DATA completely, as a blocking write(2) would even on a non-blocking descriptor (0.76
 * switches supervise/control to blocking before writing): a full pipe (EAGAIN) is waited on in
 * 5 ms steps; other errors throw.
 */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  do {
    try {
      done += writeSync(fd, data, done, data.length - done);
    } catch (err) {
      if (errorCode(err) !== 'EAGAIN') throw err;
      Atomics.wait(sleeper, 0, 0, 5);
    }
  } while (done < data.length);
}

/** Writes a line (a byte string) to stderr synchronously; a closed stderr is ignored. */
export function writeStderr(line: string): void {
  try {
    writeAll(2, bytesOf(`${line}\n`));
  } catch {
    // nobody to tell
  }
}
