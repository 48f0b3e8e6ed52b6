// Descriptor work Node lacks: dup, dup2, and clearing IP options on a connection (-O).
import { closeSync, openSync } from 'node:fs';
import { checkResult, libcFunction } from '@fortress/core/libc';

// biome-ignore lint/suspicious/noExplicitAny: koffi functions are untyped by nature
let calls: { dup: any; dup2: any; setsockopt: any } | undefined;

function libc() {
  calls ??= {
    dup: libcFunction('int dup(int fd)'),
    dup2: libcFunction('int dup2(int fd, int fd2)'),
    setsockopt: libcFunction('int setsockopt(int fd, int level, int name, void *value, uint32 len)'),
  };
  return calls;
}

export function dup(fd: number): number {
  return checkResult('dup', libc().dup(fd));
}

/** Points fds 0 and 1 at /dev/null, so a reader of `-1`'s output sees end of file. */
export function detachStdio(): void {
  const fd = openSync('/dev/null', 'r+');
  checkResult('dup2', libc().dup2(fd, 0));
  checkResult('dup2', libc().dup2(fd, 1));
  if (fd > 1) closeSync(fd);
}

const IPPROTO_IP = 0;
const IP_OPTIONS = 4;

/** Removes IP options (source routes) from an IPv4 connection; errors are ignored. */
export function killIpOptions(fd: number): void {
  libc().setsockopt(fd, IPPROTO_IP, IP_OPTIONS, null, 0);
}
