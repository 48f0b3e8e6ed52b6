// One service directory as svstat, svstat --json, svok and fortress status see it, read once:
// the checks of daemontools 0.76's svstat in its order (chdir, stat down, supervise/ok,
// supervise/status), then what fortress's supervise adds in supervise/status.json. Every file is
// read bounded and checked (bounded-read.ts): a FIFO, a device, a huge or malformed file is
// reported as a bad file, never trusted, waited on or read without end.
import { readRegularFile } from './bounded-read.js';
import { errorText } from './error-text.js';
import { EXTRA_STATUS_FILE, type ExtraStatus, readExtraStatusFile, type StartError } from './extra-status.js';
import { checkChdir, checkSupervise, type DirName, servicePath } from './service-dir.js';
import { elapsedSeconds, STATUS_SIZE, type StatusFields, stampMillis, statusFields } from './status-record.js';

const { statSync } = process.getBuiltinModule('node:fs');

/** up/down: from supervise/status; unsupervised: no supervise holds supervise/ok; unknown: see error. */
export type ServiceState = 'up' | 'down' | 'unsupervised' | 'unknown';

/** Which check failed, in svstat's order; `status-format`: the status read, but is no record. */
export type InspectStep = 'chdir' | 'down' | 'ok' | 'open-status' | 'read-status' | 'status-format';

export interface InspectProblem {
  step: InspectStep | 'status-json';
  /** svstat's text, e.g. `unable to open supervise/ok: access denied`, `supervise not running`. */
  text: string;
  /** The errno name (`EACCES`, `ENXIO`), or BADFORMAT for a file that is not what it should be. */
  code: string;
}

export interface ServiceInspection {
  state: ServiceState;
  /** No `down` file (true), a `down` file (false); null when the check was not reached. */
  normallyUp: boolean | null;
  /** The bytes read from supervise/status (at most 18, fewer for a short file); null when none
   * were read. 0.76's svstat keeps them in a buffer shared by every DIR. */
  statusBytes: Buffer | null;
  /** The 18-byte record, when one was read (also when its stamp is garbage: state is then unknown). */
  record: StatusFields | null;
  /** Pid of ./run when up, 0 when down; null when state is neither. */
  pid: number | null;
  /** Whole seconds since the last pid change (0.76's figure); null when state is neither up nor down. */
  seconds: number | null;
  /** Unix time in ms of the last pid change; null when state is neither up nor down. */
  since: number | null;
  /** supervise/status.json when it is valid and describes the supervise now running; else null. */
  extra: ExtraStatus | null;
  /** The last failed start of ./run (from extra), null when none. */
  startError: StartError | null;
  /** Why the state is unsupervised or unknown; null when up or down. */
  error: InspectProblem | null;
  /** Why supervise/status.json could not be used though it is there (unreadable, bad format);
   * null when it was used, is absent, stale, or was not asked for. */
  extraError: InspectProblem | null;
}

export interface InspectOptions {
  /** Read supervise/status.json too (svstat's text does not need it). Default true. */
  extra?: boolean;
  /** Unix time in seconds for `seconds`. Default: now. */
  nowUnixSeconds?: number;
  /**
   * For a reader that may read supervise/ but not open the root-owned ok FIFO for writing
   * (svstat's liveness test): on EACCES there, a valid status.json whose supervisor process
   * exists stands in for it (the dashboard under its own account). Default false, as svstat.
   */
  supervisorFromStatusJson?: boolean;
}

const BAD_FORMAT = 'bad format';

function problemText(code: string, err?: unknown): string {
  return code === 'BADFORMAT' ? BAD_FORMAT : errorText(err ?? { code });
}

export function inspectService(dir: DirName, options: InspectOptions = {}): ServiceInspection {
  const out: ServiceInspection = {
    state: 'unknown',
    normallyUp: null,
    statusBytes: null,
    record: null,
    pid: null,
    seconds: null,
    since: null,
    extra: null,
    startError: null,
    error: null,
    extraError: null,
  };
  const fail = (step: InspectStep, text: string, code: string): ServiceInspection => {
    out.error = { step, text, code };
    return out;
  };
  try {
    checkChdir(dir);
  } catch (err) {
    return fail('chdir', `unable to chdir: ${errorText(err)}`, codeOf(err));
  }
  try {
    statSync(servicePath(dir, 'down'));
    out.normallyUp = false;
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') return fail('down', `unable to stat down: ${errorText(err)}`, codeOf(err));
    out.normallyUp = true;
  }
  let supervise: ReturnType<typeof checkSupervise>;
  try {
    supervise = checkSupervise(dir);
  } catch (err) {
    if (!(options.supervisorFromStatusJson && codeOf(err) === 'EACCES' && supervisorRecorded(dir))) {
      return fail('ok', `unable to open supervise/ok: ${errorText(err)}`, codeOf(err));
    }
    supervise = 'running';
  }
  if (supervise !== 'running') {
    out.state = 'unsupervised';
    const text = supervise === 'ENXIO' ? 'supervise not running' : 'unable to open supervise/ok: file does not exist';
    return fail('ok', text, supervise);
  }
  const read = readRegularFile(servicePath(dir, 'supervise/status'), STATUS_SIZE, true);
  if (!read.ok) {
    const verb = read.step === 'open' ? 'open' : 'read';
    const step = read.code === 'BADFORMAT' ? 'status-format' : read.step === 'open' ? 'open-status' : 'read-status';
    return fail(step, `unable to ${verb} supervise/status: ${problemText(read.code)}`, read.code);
  }
  out.statusBytes = read.bytes;
  const record = statusFields(read.bytes);
  if (!record) return fail('status-format', `unable to read supervise/status: ${BAD_FORMAT}`, 'BADFORMAT');
  out.record = record;
  const since = stampMillis(record);
  if (since === undefined) return fail('status-format', `unable to read supervise/status: ${BAD_FORMAT}`, 'BADFORMAT');
  out.state = record.pid === 0 ? 'down' : 'up';
  out.pid = record.pid;
  out.since = since;
  out.seconds = Number(elapsedSeconds(record.tai, options.nowUnixSeconds ?? Math.floor(Date.now() / 1000)));
  if (options.extra !== false) readExtra(dir, out);
  return out;
}

/**
 * supervise/status.json is used only when it describes the supervise now running: its
 * supervisor process exists and its pid matches the 18-byte record (a file left behind by an
 * earlier fortress supervise, with daemontools' supervise now in charge, is ignored).
 */
function readExtra(dir: DirName, out: ServiceInspection): void {
  const read = readExtraStatusFile(servicePath(dir, `supervise/${EXTRA_STATUS_FILE}`));
  if (!read.ok) {
    if (read.step === 'open' && read.code === 'ENOENT') return;
    const verb = read.step === 'open' ? 'open' : 'read';
    const text = `unable to ${verb} supervise/${EXTRA_STATUS_FILE}: ${problemText(read.code)}`;
    out.extraError = { step: 'status-json', text, code: read.code };
    return;
  }
  const extra = read.extra;
  if (extra.pid !== out.pid || !processExists(extra.supervisor)) return;
  out.extra = extra;
  out.startError = extra.startError ?? null;
}

/** status.json is valid and the supervisor it names runs: a fortress supervise is in charge. */
export function supervisorRecorded(dir: DirName): boolean {
  const read = readExtraStatusFile(servicePath(dir, `supervise/${EXTRA_STATUS_FILE}`));
  return read.ok && processExists(read.extra.supervisor);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return codeOf(err) === 'EPERM';
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}
