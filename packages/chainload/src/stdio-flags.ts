// Node makes a pipe or a terminal on fd 0, 1 or 2 non-blocking when it creates process.stdin,
// process.stdout or process.stderr for it. O_NONBLOCK belongs to the open file description,
// shared with the next program and with whoever else holds the pipe, so it must not reach the
// exec'd program. Our code never touches those streams (ARCHITECTURE.md, "Exec in place"); as a safety net,
// each of the three getters is wrapped when this module loads, so that the flags of its
// descriptor are noted just before Node creates the stream, and restoreStdioFlags puts them back.
// A start that touches none of them reads nothing from /proc.
import { readDescriptorFlags } from '@fortress/core/proc';
import { loadLibc } from './load-libc.js';

const O_NONBLOCK = 0o4000;
const STREAMS = ['stdin', 'stdout', 'stderr'] as const;

function nonBlockingNow(fd: number): boolean | undefined {
  const flags = readDescriptorFlags(fd);
  return flags === undefined ? undefined : (flags & O_NONBLOCK) !== 0;
}

/** O_NONBLOCK of fds 0, 1 and 2 before Node created their streams; absent: stream never created. */
const before = new Map<number, boolean | undefined>();

STREAMS.forEach((name, fd) => {
  const original = Object.getOwnPropertyDescriptor(process, name);
  if (original?.get === undefined || !original.configurable) return;
  const get = original.get;
  Object.defineProperty(process, name, {
    ...original,
    get() {
      if (!before.has(fd)) before.set(fd, nonBlockingNow(fd));
      return get.call(process);
    },
  });
});

/** Puts O_NONBLOCK of 0, 1 and 2 back as it was before Node created their streams. */
export async function restoreStdioFlags(): Promise<void> {
  const changed = [...before].filter(([fd, initial]) => initial !== undefined && nonBlockingNow(fd) !== initial);
  if (changed.length === 0) return;
  const { setNonBlocking } = await loadLibc();
  for (const [fd, initial] of changed) {
    try {
      setNonBlocking(fd, initial!);
    } catch {
      // closed meanwhile
    }
  }
}
