// execve(2) through our own addon (native/exec.c, built by scripts/build-native.js into
// build/exec.node) instead of process.execve: about 4 ms less per link, no abort when it fails,
// and softlimit's limits are set in C just before the call, where Node can no longer allocate.
// The addon also lists the open descriptors, far faster than reading /proc from JavaScript.
import { loadAddon, packageDir } from '@fortress/core/addon';
import type { Rlimit } from '@fortress/core/libc';

/** A soft limit to set just before the exec: resource number (RLIMIT) and new value. */
export type LimitChange = readonly [resource: number, limit: Rlimit];

/** Where the exec failed: a limit could not be set, or execve(2) itself returned. */
export interface ExecFailure {
  syscall: 'setrlimit' | 'execve';
  errno: number;
}

/** An open descriptor: its /proc/self/fd link and its /proc/self/fdinfo flags (O_CLOEXEC included). */
export interface Descriptor {
  fd: number;
  target: string;
  flags: number;
}

interface ExecAddon {
  execve(
    file: string,
    argv: readonly string[],
    envp: readonly (string | Buffer)[],
    limits: (number | bigint)[],
    keep: readonly number[],
  ): ExecFailure;
  descriptors(): (number | string)[] | number;
  environ(): Buffer[];
}

let addon: ExecAddon | undefined;

function execAddon(): ExecAddon {
  if (addon) return addon;
  addon = loadAddon<ExecAddon>(packageDir(import.meta.url, 'chainload'), 'exec');
  return addon;
}

/** The descriptors open in this process, from 3 up ([] when /proc/self/fd cannot be read). */
export function openDescriptors(): Descriptor[] {
  const flat = execAddon().descriptors();
  const list: Descriptor[] = [];
  if (typeof flat === 'number') return list;
  for (let i = 0; i < flat.length; i += 3) {
    list.push({ fd: flat[i] as number, target: flat[i + 1] as string, flags: flat[i + 2] as number });
  }
  return list;
}

/** The environment this process started with, entry by entry, as the bytes it was given. */
export function startEnvironment(): Buffer[] {
  return execAddon().environ();
}

/**
 * Sets `limits`, puts SIGPIPE and SIGXFSZ (which Node ignores) back to their default action,
 * clears close-on-exec on fds 0-2 and on `keep`, and replaces this process with `file` (same pid).
 * Returns only on failure, with the signals and descriptors as they were.
 */
export function execve(
  file: string,
  argv: readonly string[],
  envp: readonly (string | Buffer)[],
  limits: readonly LimitChange[],
  keep: readonly number[],
): ExecFailure {
  return execAddon().execve(
    file,
    argv,
    envp,
    limits.flatMap(([resource, { soft, hard }]) => [resource, soft, hard]),
    keep,
  );
}
