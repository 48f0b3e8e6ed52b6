// Reads fd 0 without process.stdin (which would leave a shared descriptor non-blocking for others).
import { read } from 'node:fs';

/** One read of up to `length` bytes into `buf`; resolves 0 at end of input. EAGAIN waits and retries. */
export function readInput(fd: number, buf: Buffer, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let delay = 1;
    const attempt = (): void => {
      read(fd, buf, 0, length, null, (err, n) => {
        if (!err) resolve(n);
        else if (err.code === 'EAGAIN') {
          setTimeout(attempt, delay);
          delay = Math.min(delay * 2, 50);
        } else if (err.code === 'EINTR') attempt();
        else reject(err);
      });
    };
    attempt();
  });
}
