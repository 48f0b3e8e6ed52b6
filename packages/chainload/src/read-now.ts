// Reading a file as djb's open_read and readclose do: opened with O_NONBLOCK, so a FIFO with no
// writer opens at once and reads as empty instead of blocking the program for ever.
import { fs } from './node-fs.js';

const CHUNK = 65536;

/**
 * The whole contents of `path`, read without ever waiting: a FIFO or pipe gives what is in it
 * now (nothing and end of file when no writer holds it open); one a writer holds open with
 * nothing more to read fails with EAGAIN, as the original's read does. Throws the open or read
 * error (ENOENT, EISDIR, EAGAIN, ...).
 */
export function readNow(path: string | Buffer): Buffer {
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const n = fs.readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks);
  } finally {
    fs.closeSync(fd);
  }
}
