// Writes as svc, svstat and svok make them: complete, as blocking writes (the directory checks and
// opens are core's service-dir.ts, shared with fortress status).
// Builtins come from process.getBuiltinModule: an ES `import ... from 'node:fs'` builds fs's
// whole namespace (fs/promises, streams), about 8 ms of start-up. Names are byte strings
// (see byte-strings.ts).
import { errorCode } from '@fortress/core/error-text';
import { bytesOf } from './byte-strings.js';

const { writeSync } = process.getBuiltinModule('node:fs');

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes DATA completely, as a blocking write(2) would even on a non-blocking descriptor (0.76
 * switches supervise/control to blocking before writing): a full pipe (EAGAIN) is waited on in
 * 5 ms steps; other errors throw.
 */
export function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  do {
    try {
      done += writeSync(fd, data, done, data.length - done);
    } catch (err) {
      if (errorCode(err) !== 'EAGAIN') throw err;
      Atomics.wait(sleeper, 0, 0, 5);
    }
  } while (done < data.length);
}

/** Writes a line (a byte string) to stderr synchronously; a closed stderr is ignored. */
export function writeStderr(line: string): void {
  try {
    writeAll(2, bytesOf(`${line}\n`));
  } catch {
    // nobody to tell
  }
}
