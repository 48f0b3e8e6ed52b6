// djb's error texts, in a module that loads no other: programs whose start-up time counts (svc,
// svstat, svok) import it directly. errors.ts re-exports it. Builtins come from
// process.getBuiltinModule: an ES `import ... from 'node:fs'` builds fs's whole namespace, which
// loads fs/promises and the stream modules, about 8 ms of start-up.
const { constants } = process.getBuiltinModule('node:os');

// djb's error_str table: daemontools, ucspi-tcp and djbdns print these instead of strerror().
export const DJB_TEXT: Record<string, string> = {
  EINTR: 'interrupted system call',
  ENOMEM: 'out of memory',
  ENOENT: 'file does not exist',
  ETXTBSY: 'text busy',
  EIO: 'input/output error',
  EEXIST: 'file already exists',
  ETIMEDOUT: 'timed out',
  EINPROGRESS: 'operation in progress',
  EAGAIN: 'temporary failure',
  EWOULDBLOCK: 'temporary failure',
  EPIPE: 'broken pipe',
  EPERM: 'permission denied',
  EACCES: 'access denied',
  ENXIO: 'device not configured',
  EPROTO: 'protocol error',
  EISDIR: 'is a directory',
  ECONNREFUSED: 'connection refused',
  ENOTDIR: 'not a directory',
  ESRCH: 'no such process',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  EBADF: 'file descriptor not open',
  ECHILD: 'no child processes',
  EDEADLK: 'operation would cause deadlock',
  EFAULT: 'bad address',
  EBUSY: 'device busy',
  EXDEV: 'cross-device link',
  ENODEV: 'device does not support operation',
  EINVAL: 'invalid argument',
  ENFILE: 'system cannot open more files',
  EMFILE: 'process cannot open more files',
  ENOTTY: 'not a tty',
  EFBIG: 'file too big',
  ENOSPC: 'out of disk space',
  ESPIPE: 'unseekable descriptor',
  EROFS: 'read-only file system',
  EMLINK: 'too many links',
  ERANGE: 'output out of range',
  ENOTSOCK: 'not a socket',
  EMSGSIZE: 'message too long',
  EOPNOTSUPP: 'operation not supported',
  EAFNOSUPPORT: 'address family not supported',
  EADDRINUSE: 'address already used',
  EADDRNOTAVAIL: 'address not available',
  ENETDOWN: 'network down',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
  ECONNRESET: 'connection reset',
  ENOBUFS: 'out of buffer space',
  EISCONN: 'already connected',
  ENOTCONN: 'not connected',
  EHOSTUNREACH: 'host unreachable',
  ELOOP: 'symbolic link loop',
  ENAMETOOLONG: 'file name too long',
  ENOTEMPTY: 'directory not empty',
  EDQUOT: 'disk quota exceeded',
  ESTALE: 'stale NFS file handle',
};

const ERRNO_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  // EAGAIN and EWOULDBLOCK share a number on Linux; keep the first name, as djb's table does.
  if (!ERRNO_NAMES.has(value)) ERRNO_NAMES.set(value, name);
}

/** The errno name (`ENOENT`) for a number, or undefined. */
export function errnoName(errno: number): string | undefined {
  return ERRNO_NAMES.get(Math.abs(errno));
}

/** The `code` of an error-like value (`ENOENT`), or undefined. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return undefined;
}

/** djb's text for an error: `file does not exist` for ENOENT, `unknown error` otherwise. */
export function errorText(err: unknown): string {
  const code = errorCode(err);
  if (code === undefined) return 'unknown error';
  return DJB_TEXT[code] ?? 'unknown error';
}
