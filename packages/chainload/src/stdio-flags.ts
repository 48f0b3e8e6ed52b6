// Node makes stderr non-blocking as soon as something reads process.stderr (an FFI library
// that imports `node:util` does, for colour support). O_NONBLOCK belongs to the open file
// description, shared with the next program and with whoever else holds the pipe, so the
// flags of 0, 1 and 2 are noted when this module loads and put back before exec.
import { fs } from './node-fs.js';

const O_NONBLOCK = 0o4000;

function nonBlockingNow(fd: number): boolean | undefined {
  try {
    const m = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return m ? (Number.parseInt(m[1]!, 8) & O_NONBLOCK) !== 0 : undefined;
  } catch {
    return undefined;
  }
}

const initial = [0, 1, 2].map(nonBlockingNow);

/** Whether fds 0, 1, 2 were non-blocking when the program started (undefined: not open). */
export function initialStdioNonBlocking(): readonly (boolean | undefined)[] {
  return initial;
}

/** Puts O_NONBLOCK of 0, 1 and 2 back as it was at start; libc is loaded only if one changed. */
export async function restoreStdioFlags(): Promise<void> {
  const changed = [0, 1, 2].filter((fd) => initial[fd] !== undefined && nonBlockingNow(fd) !== initial[fd]);
  if (changed.length === 0) return;
  const { setNonBlocking } = await import('@fortress/core/libc');
  for (const fd of changed) {
    try {
      setNonBlocking(fd, initial[fd]!);
    } catch {
      // closed meanwhile
    }
  }
}

/** Core's libc bindings, loaded only by the programs that need them. */
export async function loadLibc(): Promise<typeof import('@fortress/core/libc')> {
  const libc = await import('@fortress/core/libc');
  libc.loadLibc();
  return libc;
}
