// A pre-started supervise process (per-process mode with fortress's own supervise). svscan
// keeps one idle: Node, supervise's state machine and the libc addon are already loaded when a new
// service appears, so the service starts without waiting for a Node start-up. It waits for
// one JSON line on fd 3 (its assignment), then becomes `supervise NAME` (or `supervise log`)
// exactly as the supervise program would: same files, SIGTERM/SIGINT act like `svc -dx`,
// exit 0 after `x`, 111 when the lock is held by another supervise.
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { EXIT_OK, EXIT_TEMPORARY, errorText, writeStderr } from '@fortress/core/errors';
import { loadLibc } from '@fortress/core/libc';
import { superviseDir } from '@fortress/supervise/supervise-dir';

export interface Assignment {
  /** Working directory: the scan directory for a service, the service directory for log/. */
  cwd: string;
  /** `NAME` or `log`, relative to cwd, as `supervise NAME` gets it. */
  dir: string;
  /** The log FIFO's path (relative to cwd) to open for ./run's stdin or stdout, if any. */
  stdinFifo: string | null;
  stdoutFifo: string | null;
}

function readAssignment(): Promise<Assignment | undefined> {
  return new Promise((resolve) => {
    const channel = new Socket({ fd: 3, readable: true, writable: false });
    let text = '';
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end < 0) return;
      // Keep fd 3 taken (paused, not closed), so the number is not reused for a descriptor
      // of supervise's.
      channel.removeAllListeners('data');
      channel.pause();
      try {
        resolve(JSON.parse(text.slice(0, end)) as Assignment);
      } catch {
        resolve(undefined);
      }
    });
    // svscan went away before handing out work.
    channel.on('end', () => resolve(undefined));
    channel.on('error', () => resolve(undefined));
  });
}

async function serve(): Promise<number> {
  loadLibc();
  const job = await readAssignment();
  if (job === undefined) return EXIT_OK;
  process.chdir(job.cwd);
  process.title = `supervise ${job.dir}`;
  let stdin = 0;
  let stdout = 1;
  try {
    if (job.stdinFifo !== null) stdin = openSync(job.stdinFifo, constants.O_RDONLY);
    if (job.stdoutFifo !== null) stdout = openSync(job.stdoutFifo, constants.O_WRONLY);
  } catch (err) {
    writeStderr(`supervise: fatal: unable to open ${job.stdinFifo ?? job.stdoutFifo}: ${errorText(err)}`);
    return EXIT_TEMPORARY;
  }
  return superviseDir({ dir: job.dir, stdio: [stdin, stdout, 2] });
}

process.exitCode = await serve();
