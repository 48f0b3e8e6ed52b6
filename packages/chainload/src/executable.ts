// What execve(2) would say about a file, found out without calling it: a failed
// process.execve aborts Node 24 instead of throwing (DESIGN.md decision 5).
import { fs } from './node-fs.js';
import { errorCode } from './report.js';

// The kernel follows at most this many `#!` interpreters (BINPRM_MAX_RECURSION) before ELOOP.
const MAX_INTERPRETERS = 4;
// Linux's limit on one argument or environment string (MAX_ARG_STRLEN).
const MAX_ARG_STRLEN = 32 * 4096;

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

/** E2BIG when an argument or environment string is longer than Linux accepts. */
export function argumentsError(args: readonly string[], env: readonly string[]): string | undefined {
  for (const s of args) if (Buffer.byteLength(s) >= MAX_ARG_STRLEN) return 'E2BIG';
  for (const s of env) if (Buffer.byteLength(s) >= MAX_ARG_STRLEN) return 'E2BIG';
  return undefined;
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
