// `svstat --json`: one object per directory, rendered from core's inspection: the facts of the
// text line plus what fortress's supervise records in supervise/status.json when that file is
// current. fortress status prints the same objects (with name, pgid and memory added).
import type { LastExit, ServiceType, StartError, SupervisorStateName } from '@fortress/core/extra-status';
import type { ServiceInspection, ServiceState } from '@fortress/core/service-inspect';

export interface ServiceJson {
  dir: string;
  /** up/down from supervise/status; unsupervised: supervise not running; unknown: see error. */
  state: ServiceState;
  pid: number | null;
  /** Seconds since the last pid change, as svstat prints them. */
  seconds: number | null;
  /** Unix time in milliseconds of the last pid change. */
  since: number | null;
  paused: boolean | null;
  want: 'up' | 'down' | 'none' | null;
  /** down when DIR/down exists. */
  normally: 'up' | 'down' | null;
  /** From supervise/status.json, when fortress's supervise wrote it and it is current; else null. */
  lastExit: LastExit | null;
  starts: number | null;
  restarts: number | null;
  lastStart: number | null;
  supervisor: number | null;
  /** Why ./run could not be started last time, null when it could (or nobody says). */
  startError: StartError | null;
  /** supervise's state machine: down waiting starting up ready stopping finishing backoff failed done exited. */
  supervision: SupervisorStateName | null;
  /** true/false for a service that uses readiness (notification-fd), null when it does not. */
  ready: boolean | null;
  /** Unix ms when ./run said it is ready, null when not ready. */
  readySince: number | null;
  /** Unix ms of the next start of ./run while in backoff, else null. */
  nextStart: number | null;
  /** The needed services (needs/) not yet satisfied, sorted ([] when none); null without status.json. */
  waitingFor: string[] | null;
  /** Those of them that failed for good (state failed), sorted; null without status.json. */
  failedNeeds: string[] | null;
  /** `oneshot` for a service whose `type` file says so, else null. */
  type: ServiceType | null;
  /** svstat's text for the failure (`supervise not running`, ...), null when state is up/down. */
  error: string | null;
  /** The errno name behind error (`ENOENT`), BADFORMAT for a bad status file, else null. */
  errorCode: string | null;
  /** Why supervise/status.json is there but was not used (`unable to read supervise/status.json: bad format`). */
  statusJsonError: string | null;
  /** The errno name behind statusJsonError, BADFORMAT for a file that is not of the schema. */
  statusJsonErrorCode: string | null;
}

/** DIR is the name to show (Unicode text). */
export function serviceJson(dir: string, inspection: ServiceInspection): ServiceJson {
  const { record, extra, error } = inspection;
  const known = inspection.state === 'up' || inspection.state === 'down';
  return {
    dir,
    state: inspection.state,
    pid: inspection.pid,
    seconds: inspection.seconds,
    since: inspection.since,
    paused: known && record ? record.pid !== 0 && record.paused : null,
    want: known && record ? record.want : null,
    normally: inspection.normallyUp === null ? null : inspection.normallyUp ? 'up' : 'down',
    lastExit: extra?.lastExit ?? null,
    starts: extra?.starts ?? null,
    restarts: extra ? Math.max(0, extra.starts - 1) : null,
    lastStart: extra?.lastStart ?? null,
    supervisor: extra?.supervisor ?? null,
    startError: inspection.startError,
    supervision: extra?.state ?? null,
    ready: extra?.ready ?? null,
    readySince: extra?.readySince ?? null,
    nextStart: extra?.nextStart ?? null,
    waitingFor: extra ? (extra.waitingFor ?? []) : null,
    failedNeeds: extra ? (extra.failedNeeds ?? []) : null,
    type: extra?.type ?? null,
    error: error?.text ?? null,
    errorCode: error?.code ?? null,
    statusJsonError: inspection.extraError?.text ?? null,
    statusJsonErrorCode: inspection.extraError?.code ?? null,
  };
}
