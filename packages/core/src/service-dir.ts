// How the daemontools tools touch a service directory after chdir(DIR), without changing this
// process's directory: DIR is used exactly as given (a string, or the bytes of a name that is
// not UTF-8), DIR/NAME resolves as NAME does after chdir(DIR), and supervise/ok and
// supervise/control are opened O_WRONLY|O_NONBLOCK (a FIFO nobody reads fails at once with
// ENXIO: "supervise not running"). Builtins come from process.getBuiltinModule: an ES import of
// node:fs builds its whole namespace, about 8 ms of start-up for svc, svstat and svok.
import { errorCode } from './error-text.js';

const { accessSync, closeSync, constants, openSync, statSync } = process.getBuiltinModule('node:fs');
const { errno } = process.getBuiltinModule('node:os').constants;

/** A directory name as given: text, or raw bytes (a name that is not valid UTF-8). */
export type DirName = string | Buffer;

/** DIR/NAME, which the kernel resolves exactly like NAME after chdir(DIR). */
export function servicePath(dir: DirName, name: string): DirName {
  return typeof dir === 'string' ? `${dir}/${name}` : Buffer.concat([dir, Buffer.from(`/${name}`)]);
}

/** An error shaped like Node's fs errors (`code`, `errno`, `syscall`), for checks done by hand. */
function systemError(syscall: string, code: 'ENOENT' | 'ENOTDIR'): Error {
  return Object.assign(new Error(`${syscall}: ${code}`), { code, errno: -errno[code], syscall });
}

/** Throws what chdir(DIR) would fail with: ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG... */
export function checkChdir(dir: DirName): void {
  if (dir.length === 0) throw systemError('chdir', 'ENOENT');
  if (!statSync(dir).isDirectory()) throw systemError('chdir', 'ENOTDIR');
  accessSync(dir, constants.X_OK);
}

/** Opens PATH for writing without blocking, with 0.76's flags; throws the open error. */
export function openWriteNonBlocking(path: DirName): number {
  return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
}

/** True when an open error means nobody holds the FIFO open for reading. */
export function isNoReader(err: unknown): boolean {
  return errorCode(err) === 'ENXIO';
}

/**
 * svok's check, the one place it is made: does a supervise hold DIR/supervise/ok open for
 * reading? `running`; `ENXIO` (the FIFO exists, nobody reads it) or `ENOENT` (no FIFO: never
 * supervised) when not; any other open error (EACCES, EISDIR, ENOTDIR...) is thrown.
 */
export function checkSupervise(dir: DirName): 'running' | 'ENXIO' | 'ENOENT' {
  try {
    closeSync(openWriteNonBlocking(servicePath(dir, 'supervise/ok')));
    return 'running';
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENXIO' || code === 'ENOENT') return code;
    throw err;
  }
}
