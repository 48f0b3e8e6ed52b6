// The one error type of supervise's set-up: `text` is the djb-style message without the
// `supervise: fatal: ` prefix, e.g. `unable to acquire DIR/supervise/lock: temporary failure`.
import { errorCode, errorText } from '@fortress/core/errors';

export class SetupError extends Error {
  /** errno name of the cause (`EAGAIN`), or `ESETUP` when there is none. */
  readonly code: string;
  constructor(text: string, cause?: unknown) {
    super(cause === undefined ? text : `${text}: ${errorText(cause)}`, { cause });
    this.name = 'SetupError';
    this.code = errorCode(cause) ?? 'ESETUP';
  }
}
