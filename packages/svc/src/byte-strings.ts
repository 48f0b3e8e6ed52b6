// Directory names as the bytes the user typed. Node decodes argv as UTF-8 and replaces invalid
// bytes with U+FFFD, so a directory named in Latin-1 could be neither found nor printed back as
// 0.76 prints it. svc, svstat and svok therefore carry names as byte strings (one char per byte,
// 'latin1'), recovered from /proc/self/cmdline when argv lost bytes, and convert them back to
// bytes at the file system and on output.
import { PROC, readCmdline } from '@fortress/core/proc';

/** A Unicode string as a byte string (its UTF-8 bytes, one char each). */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The bytes of a byte string: a path for fs calls or data for a write. */
export function bytesOf(byteString: string): Buffer {
  return Buffer.from(byteString, 'latin1');
}

/** A byte string read as UTF-8 (invalid bytes become U+FFFD), for JSON. */
export function fromByteString(byteString: string): string {
  return bytesOf(byteString).toString('utf8');
}

/** The program's arguments as byte strings, exactly as passed to execve. */
export function byteArgs(argv: readonly string[]): string[] {
  if (!argv.some((arg) => arg.includes('\uFFFD'))) return argv.map(toByteString);
  const all = readCmdline('self', PROC, 'latin1') ?? []; // no /proc: keep what Node decoded
  const raw = all.slice(all.length - argv.length);
  if (raw.length === argv.length && raw.every((arg, i) => fromByteString(arg) === argv[i])) return raw;
  return argv.map(toByteString);
}
