// Node marks the descriptors it inherits close-on-exec at start-up (libuv's
// uv_disable_stdio_inheritance walks 0..15 and on while they are open), so without this a
// lock from setlock, tcpclient's descriptors 6 and 7 or s6's notification descriptor would
// be closed by our exec. Every descriptor this process inherited was open without
// close-on-exec (or it would not be here), so clearing the flag again restores it.

import { loadLibc } from './load-libc.js';
import { fs } from './node-fs.js';

const O_ACCMODE = 3;
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_CLOEXEC = 0o2000000;

interface Descriptor {
  fd: number;
  target: string;
  flags: number;
}

/** Descriptors 3 and up, except Node's epoll, eventfd and io_uring instances. */
function listDescriptors(): Descriptor[] {
  const list: Descriptor[] = [];
  let names: string[];
  try {
    names = fs.readdirSync('/proc/self/fd');
  } catch {
    return list;
  }
  for (const name of names) {
    const fd = Number(name);
    if (fd < 3) continue; // process.execve keeps stdin, stdout and stderr itself
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${name}`);
      // epoll, eventfd and io_uring instances are Node's own: no need to read their flags.
      if (target.startsWith('anon_inode:')) continue;
      const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${name}`, 'latin1'));
      if (flags) list.push({ fd, target, flags: Number.parseInt(flags[1]!, 8) });
    } catch {
      // the descriptor readdir itself used, now closed
    }
  }
  return list;
}

/**
 * Node's own descriptors among the rest: pipes whose both ends this process holds (libuv's
 * wake-up pipes). Anything else was inherited.
 */
function isNodeInternal(d: Descriptor, all: readonly Descriptor[]): boolean {
  const mode = d.flags & O_ACCMODE;
  if (d.target.startsWith('pipe:')) {
    const other = mode === O_RDONLY ? O_WRONLY : O_RDONLY;
    return all.some((e) => e.target === d.target && (e.flags & O_ACCMODE) === other);
  }
  return false;
}

/** Inherited descriptors that Node has marked close-on-exec. */
export function descriptorsToRestore(): number[] {
  const all = listDescriptors();
  return all.filter((d) => (d.flags & O_CLOEXEC) !== 0 && !isNodeInternal(d, all)).map((d) => d.fd);
}

/** Clears close-on-exec on inherited descriptors; libc bindings are loaded only when there are any. */
export async function restoreInheritedDescriptors(): Promise<void> {
  const fds = descriptorsToRestore();
  if (fds.length === 0) return;
  const { setCloseOnExec } = await loadLibc();
  for (const fd of fds) {
    try {
      setCloseOnExec(fd, false);
    } catch {
      // closed meanwhile: nothing to keep
    }
  }
}
