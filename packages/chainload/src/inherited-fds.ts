// Node marks the descriptors it inherits close-on-exec at start-up (libuv's
// uv_disable_stdio_inheritance walks 0..15 and on while they are open), so without this a
// lock from setlock, tcpclient's descriptors 6 and 7 or s6's notification descriptor would
// be closed by our exec. Every descriptor this process inherited was open without
// close-on-exec (or it would not be here), so clearing the flag again (execve.ts does, at the
// exec) restores it.
import { type Descriptor, openDescriptors } from './execve.js';

const O_ACCMODE = 3;
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_CLOEXEC = 0o2000000;

/**
 * Node's own descriptors among the rest: epoll, eventfd and io_uring instances, and pipes whose
 * both ends this process holds (libuv's wake-up pipes). Anything else was inherited.
 */
function isNodeInternal(d: Descriptor, all: readonly Descriptor[]): boolean {
  if (d.target.startsWith('anon_inode:')) return true;
  const mode = d.flags & O_ACCMODE;
  if (d.target.startsWith('pipe:')) {
    const other = mode === O_RDONLY ? O_WRONLY : O_RDONLY;
    return all.some((e) => e.target === d.target && (e.flags & O_ACCMODE) === other);
  }
  return false;
}

/** Inherited descriptors (3 and up) that Node has marked close-on-exec. */
export function descriptorsToRestore(): number[] {
  const all = openDescriptors();
  return all.filter((d) => (d.flags & O_CLOEXEC) !== 0 && !isNodeInternal(d, all)).map((d) => d.fd);
}

/**
 * Every inherited descriptor (3 and up), close-on-exec or not: Node marks only those up to the
 * first gap after 15, so one inherited higher up still lacks the flag.
 */
export function inheritedDescriptors(): number[] {
  const all = openDescriptors();
  return all.filter((d) => !isNodeInternal(d, all)).map((d) => d.fd);
}
