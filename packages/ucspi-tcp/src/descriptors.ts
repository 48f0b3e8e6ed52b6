// Descriptor work Node lacks: dup, dup2, and clearing IP options on a connection (-O).
import { closeSync, openSync } from 'node:fs';
import { dup2, setsockopt } from '@fortress/core/libc';

export { dup } from '@fortress/core/libc';

/** Points fds 0 and 1 at /dev/null, so a reader of `-1`'s output sees end of file. */
export function detachStdio(): void {
  const fd = openSync('/dev/null', 'r+');
  dup2(fd, 0);
  dup2(fd, 1);
  if (fd > 1) closeSync(fd);
}

const IPPROTO_IP = 0;
const IP_OPTIONS = 4;

/** Removes IP options (source routes) from an IPv4 connection; errors are ignored. */
export function killIpOptions(fd: number): void {
  try {
    setsockopt(fd, IPPROTO_IP, IP_OPTIONS, null);
  } catch {
    // not IPv4, or already gone
  }
}
