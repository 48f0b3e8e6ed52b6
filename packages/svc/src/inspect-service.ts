// svstat's checks for one directory, in daemontools 0.76's order: chdir, stat down, open
// supervise/ok, open and read supervise/status.
import { errorCode, errorText } from '@fortress/core/error-text';
import { bytesOf } from './byte-strings.js';
import { checkChdir, inService, isNoReader, probeWritable } from './service-files.js';

const { closeSync, constants, openSync, readSync, statSync } = process.getBuiltinModule('node:fs');

export type Inspection =
  | {
      kind: 'status';
      /** No `down` file. */
      normallyUp: boolean;
      /** A copy of the 18 status bytes. */
      status: Buffer;
    }
  | {
      kind: 'error';
      /** svstat's text after `DIR: `, e.g. `supervise not running`. */
      text: string;
      /** True when the only problem is that supervise does not run (ENXIO on supervise/ok). */
      unsupervised: boolean;
      /** Known once `down` was checked. */
      normallyUp?: boolean;
      /** The errno name behind the text, or BADFORMAT for a short status file. */
      code?: string;
    };

/** The size of daemontools' supervise/status record (as @fortress/core/status-record, not
 * imported: its tai64n dependency would cost start-up time). */
export const STATUS_SIZE = 18;

/**
 * Inspects service directories one after another. Like 0.76's svstat it reads each status into
 * one buffer it keeps: a status file that opens but cannot be read (a directory) shows what the
 * buffer held before (zeros for the first directory), byte for byte as the original does.
 */
export class ServiceInspector {
  private readonly buffer = Buffer.alloc(STATUS_SIZE);

  inspect(dir: string): Inspection {
    try {
      checkChdir(dir);
    } catch (err) {
      return failure(`unable to chdir: ${errorText(err)}`, err);
    }
    let normallyUp = false;
    try {
      statSync(bytesOf(inService(dir, 'down')));
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') return failure(`unable to stat down: ${errorText(err)}`, err);
      normallyUp = true;
    }
    try {
      probeWritable(inService(dir, 'supervise/ok'));
    } catch (err) {
      if (isNoReader(err)) return { kind: 'error', text: 'supervise not running', unsupervised: true, normallyUp };
      return failure(`unable to open supervise/ok: ${errorText(err)}`, err, normallyUp);
    }
    let fd: number;
    try {
      fd = openSync(bytesOf(inService(dir, 'supervise/status')), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      return failure(`unable to open supervise/status: ${errorText(err)}`, err, normallyUp);
    }
    let got = STATUS_SIZE;
    try {
      got = readSync(fd, this.buffer, 0, STATUS_SIZE, null);
    } catch {
      // 0.76 compares read()'s -1 with an unsigned size: a read error passes as a full record.
    } finally {
      closeSync(fd);
    }
    if (got < STATUS_SIZE) {
      return {
        kind: 'error',
        text: 'unable to read supervise/status: bad format',
        unsupervised: false,
        normallyUp,
        code: 'BADFORMAT',
      };
    }
    return { kind: 'status', normallyUp, status: Buffer.from(this.buffer) };
  }
}

function failure(text: string, err: unknown, normallyUp?: boolean): Inspection {
  const result: Inspection = { kind: 'error', text, unsupervised: false, code: errorCode(err) ?? 'EUNKNOWN' };
  if (normallyUp !== undefined) result.normallyUp = normallyUp;
  return result;
}
