// What execve(2) would say about a file, found out without calling it: a failed
// process.execve aborts Node 24 instead of throwing (ARCHITECTURE.md, "Exec in place").
import { readSoftLimit } from '@fortress/core/proc';
import { fs } from './node-fs.js';
import { errorCode } from './report.js';

// The kernel follows at most this many `#!` interpreters (BINPRM_MAX_RECURSION) before ELOOP.
const MAX_INTERPRETERS = 4;
// Linux's limit on one argument or environment string (MAX_ARG_STRLEN).
const MAX_ARG_STRLEN = 32 * 4096;
const MIN_ARG_SPACE = 32 * 4096;
const MAX_ARG_SPACE = 6 * 1024 * 1024;

/**
 * The errno code execve(2) would fail with for `path` (`ENOENT`, `EACCES`, `ENOEXEC`, …), or
 * undefined when it would succeed as far as can be known beforehand.
 */
export function execError(path: string, depth = 0): string | undefined {
  try {
    // Only a missing file costs an exception (ENOENT, or ENOTDIR when a component is a file).
    const st = fs.statSync(path, { throwIfNoEntry: false }) ?? fs.statSync(path);
    if (!st.isFile()) return 'EACCES';
    fs.accessSync(path, fs.constants.X_OK);
  } catch (err) {
    return errorCode(err) ?? 'EACCES';
  }
  const head = readHead(path);
  if (head === undefined) return undefined; // execute-only: the kernel can still run it
  if (head[0] === 0x7f && head.subarray(1, 4).toString('latin1') === 'ELF') return undefined;
  if (head[0] === 0x23 && head[1] === 0x21) {
    if (depth >= MAX_INTERPRETERS) return 'ELOOP';
    const interpreter = shebangInterpreter(head);
    if (interpreter === undefined) return 'ENOEXEC';
    return execError(interpreter, depth + 1);
  }
  return otherFormatsRegistered() ? undefined : 'ENOEXEC';
}

/**
 * E2BIG when an argument or environment string is longer than Linux accepts, or all of them
 * together exceed a quarter of the stack limit (at least 128 KiB, at most 6 MiB).
 */
export function argumentsError(args: readonly string[], env: readonly (string | Buffer)[]): string | undefined {
  let total = 0;
  for (const list of [args, env]) {
    for (const s of list) {
      const bytes = Buffer.byteLength(s);
      if (bytes >= MAX_ARG_STRLEN) return 'E2BIG';
      total += bytes + 1 + 8;
    }
  }
  if (total <= MIN_ARG_SPACE) return undefined;
  return total > argumentSpace() ? 'E2BIG' : undefined;
}

// The room execve(2) gives arguments and environment: stack limit / 4, within [128 KiB, 6 MiB].
function argumentSpace(): number {
  const stack = readSoftLimit('Max stack size') ?? Number.POSITIVE_INFINITY; // unknown: assume unlimited
  return Math.min(Math.max(stack / 4, MIN_ARG_SPACE), MAX_ARG_SPACE);
}

function readHead(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(256);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

// `#!  /bin/sh -e` → `/bin/sh`; the kernel reads the first line, up to 255 bytes.
function shebangInterpreter(head: Buffer): string | undefined {
  const line = head.subarray(2).toString('latin1').split('\n')[0]!;
  const name = line.replace(/^[ \t]+/, '').split(/[ \t]/)[0]!;
  return name === '' ? undefined : name;
}

// binfmt_misc handlers (qemu, wine, jar) may run formats we cannot recognise: trust them then.
function otherFormatsRegistered(): boolean {
  try {
    if (fs.readFileSync('/proc/sys/fs/binfmt_misc/status', 'latin1').trim() !== 'enabled') return false;
    return fs.readdirSync('/proc/sys/fs/binfmt_misc').some((n) => n !== 'status' && n !== 'register');
  } catch {
    return false;
  }
}
