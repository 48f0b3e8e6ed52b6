// The waiting part of svc -w and svwait: subscribe, let the caller send its commands, wait, and
// map the outcome to s6's exit codes (0 reached, 99 timed out, 102 supervisor gone, 1 failed
// permanently, 111 system failure), with a message in djb's shape for each failure.
import { errorText } from '@fortress/core/error-text';
import { isFortressError } from '@fortress/core/errors';
import { fromByteString } from './byte-strings.js';
import { writeStderr } from './service-files.js';
import { ERR_NOT_RUNNING, ERR_SUBSCRIBE, ServiceWaiter, type WaitTarget } from './wait-services.js';

export const EXIT_REACHED = 0;
export const EXIT_FAILED = 1;
export const EXIT_TIMEOUT = 99;
export const EXIT_GONE = 102;
export const EXIT_SYSTEM = 111;

export interface WaitRequest {
  prog: string;
  /** Directory names as byte strings (byte-strings.ts). */
  dirs: readonly string[];
  target: WaitTarget;
  any: boolean;
  /** Milliseconds; negative: no limit. */
  timeoutMs: number;
  /** Runs after every subscription is made and before the wait (svc sends its commands here). */
  between?: () => void;
}

export function subscribeAndWait(request: WaitRequest): number {
  const { prog } = request;
  // Files are reached by the Unicode name, messages quote the bytes as typed.
  const typed = new Map(request.dirs.map((dir) => [fromByteString(dir), dir]));
  const shown = (dir: string): string => typed.get(dir) ?? dir;
  let waiter: ServiceWaiter;
  try {
    waiter = new ServiceWaiter([...typed.keys()], request.target);
  } catch (err) {
    if (isFortressError(err, ERR_NOT_RUNNING)) {
      writeStderr(`${prog}: fatal: unable to wait for ${shown(err.path!)}: supervise not running`);
      return EXIT_GONE;
    }
    if (!isFortressError(err, ERR_SUBSCRIBE)) throw err;
    writeStderr(`${prog}: fatal: unable to subscribe to events for ${shown(err.path!)}: ${errorText(err.cause)}`);
    return EXIT_SYSTEM;
  }
  try {
    request.between?.();
    const outcome = waiter.wait(request.any, request.timeoutMs);
    switch (outcome.kind) {
      case 'reached':
        return EXIT_REACHED;
      case 'timeout':
        writeStderr(`${prog}: fatal: unable to wait for ${request.dirs.join(' ')}: timed out`);
        return EXIT_TIMEOUT;
      case 'gone':
        writeStderr(`${prog}: fatal: unable to wait for ${shown(outcome.dir)}: supervise went away`);
        return EXIT_GONE;
      case 'failed':
        for (const dir of outcome.dirs)
          writeStderr(`${prog}: fatal: unable to wait for ${shown(dir)}: failed permanently`);
        return EXIT_FAILED;
    }
  } catch (err) {
    writeStderr(`${prog}: fatal: unable to wait: ${errorText(err)}`);
    return EXIT_SYSTEM;
  } finally {
    waiter.close();
  }
}

export { parseTimeout } from './wait-options.js';
