// Reading a small file someone else writes (supervise/status, supervise/status.json) without
// trusting it: opened non-blocking (a FIFO there must not hang the reader), checked to be a
// regular file on the open descriptor (a symlink to /dev/zero or /dev/urandom must not make it
// read forever), and read up to a limit (a huge file must not make it grow).
const { closeSync, constants, fstatSync, openSync, readSync } = process.getBuiltinModule('node:fs');

export type FileRead =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      /** open: the file could not be opened; read: it opened but could not be read. */
      step: 'open' | 'read';
      /** The errno name (EACCES, EISDIR...), or BADFORMAT: not a regular file, or too big. */
      code: string;
    };

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/**
 * Reads PATH if it is a regular file. `prefix`: the first LIMIT bytes, however long the file is
 * (svstat reads 18 bytes of supervise/status); otherwise a file longer than LIMIT is BADFORMAT.
 * A directory gives EISDIR at the read step, as read(2) does on one.
 */
export function readRegularFile(path: string | Buffer, limit: number, prefix = false): FileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { ok: false, step: 'open', code: codeOf(err) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, step: 'read', code: 'EISDIR' };
    if (!st.isFile()) return { ok: false, step: 'read', code: 'BADFORMAT' };
    // One byte more than the limit tells a file that is too long, even one that grew since fstat.
    const want = prefix ? limit : limit + 1;
    const buf = Buffer.alloc(want);
    let got = 0;
    for (;;) {
      const n = readSync(fd, buf, got, want - got, null);
      if (n === 0) break;
      got += n;
      if (got === want) break;
    }
    if (!prefix && got > limit) return { ok: false, step: 'read', code: 'BADFORMAT' };
    return { ok: true, bytes: buf.subarray(0, got) };
  } catch (err) {
    return { ok: false, step: 'read', code: codeOf(err) };
  } finally {
    closeSync(fd);
  }
}
