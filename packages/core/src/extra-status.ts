// supervise/status.json: what fortress's supervise records beyond the 18-byte status, which the
// 0.76 tools never read. Written to status.json.new and renamed, like status. Readers trust
// nothing in it: the file is read bounded (bounded-read.ts) and every field is checked against
// the schema below; a file that fails is "bad format", never passed through.
// Builtins through getBuiltinModule: an ES import of node:fs builds its whole namespace
// (about 0.4 MiB and several ms in every program that loads this module).
import { type FileRead, readRegularFile } from './bounded-read.js';
import { MAX_TIME_MS } from './status-record.js';

const { join } = process.getBuiltinModule('node:path');

export const EXTRA_STATUS_FILE = 'status.json';

/** The most status.json may hold: its texts are one error message each, so a few KiB is ample. */
export const EXTRA_STATUS_MAX_BYTES = 16 * 1024;

export interface LastExit {
  /** Exit code when ./run exited, null when a signal killed it (or the exit is unknown). */
  code: number | null;
  /** Signal name (`SIGTERM`) when a signal killed it, else null. Both null: supervise adopted
   * ./run after a restart and could not collect how it ended. */
  signal: string | null;
  /** Unix time in milliseconds of the exit. */
  at: number;
}

/** Why ./run could not be started, e.g. `unable to start norun/run: file does not exist`. */
export interface StartError {
  text: string;
  /** Unix time in milliseconds of the failed start. */
  at: number;
}

/** What supervise is doing, one word (supervise's state machine, packages/supervise/README.md). */
export const SUPERVISOR_STATES = [
  'down',
  'waiting',
  'starting',
  'up',
  'ready',
  'stopping',
  'finishing',
  'backoff',
  'failed',
  'done',
  'exited',
] as const;
export type SupervisorStateName = (typeof SUPERVISOR_STATES)[number];

export interface ExtraStatus {
  /** Pid of ./run, 0 when down (same as the 18-byte record). */
  pid: number;
  /** Process group of ./run (it leads its own session), 0 when down. */
  pgid: number;
  /** Starts of ./run since this supervise began, the first one included. */
  starts: number;
  /** Unix time in milliseconds of the last start of ./run, null before any. */
  lastStart: number | null;
  lastExit: LastExit | null;
  /** Pid of supervise itself (or of the process hosting it). */
  supervisor: number;
  /** The last failed start of ./run, null (or absent, from an older supervise) when the last start
   * succeeded or none was tried. */
  startError?: StartError | null;
  /** The state machine's state (absent from an older supervise). */
  state?: SupervisorStateName;
  /** Did ./run say it is ready (notification-fd)? null when the service does not use readiness. */
  ready?: boolean | null;
  /** Unix ms when ./run said it is ready; null when it has not (since its last start). */
  readySince?: number | null;
  /** Unix ms when the next start of ./run is due (state backoff); null otherwise. */
  nextStart?: number | null;
  /** The needed services (needs/) not yet satisfied, sorted; [] (or absent) when none. */
  waitingFor?: string[];
  /** The needed services that failed permanently (state `failed`), sorted. */
  failedNeeds?: string[];
  /** The last status text ./run gave (NOTIFY_SOCKET's `STATUS=`); null (or absent) when none. */
  status?: string | null;
  /** `oneshot` when the service directory's `type` file says so; absent for a long-running one. */
  type?: ServiceType;
}

/** What a `type` file may say (absent: a long-running service). */
export type ServiceType = 'oneshot';

export type ExtraStatusRead = { ok: true; extra: ExtraStatus } | { ok: false; step: 'open' | 'read'; code: string };

/** The longest start error text kept: a message, with a path of at most PATH_MAX bytes. */
const MAX_TEXT = 8192;

/** The most names a list of needed services may hold (the whole file is 16 KiB at most). */
const MAX_NEEDS = 1000;

/** Linux's PID_MAX_LIMIT: no pid or process group is larger. */
const MAX_PID = 4_194_304;
const isPid = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_PID;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_TIME_MS;
const isOptionalTime = (v: unknown): boolean => v === undefined || v === null || isTime(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A service name as needs/ holds it: a scan directory entry, not hidden, no slash. */
export function validServiceName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 255 && !v.startsWith('.') && !v.includes('/');
}

const isNameList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= MAX_NEEDS && v.every(validServiceName);

function validLastExit(v: unknown): v is LastExit {
  if (v === null) return true;
  if (!isObject(v) || !isTime(v['at'])) return false;
  const { code, signal } = v;
  if (code !== null && !(Number.isInteger(code) && (code as number) >= 0 && (code as number) <= 255)) return false;
  if (signal !== null && !(typeof signal === 'string' && /^SIG[A-Z0-9+-]{1,12}$/.test(signal))) return false;
  return code === null || signal === null;
}

function validStartError(v: unknown): v is StartError | null | undefined {
  if (v === undefined || v === null) return true;
  return isObject(v) && typeof v['text'] === 'string' && v['text'].length <= MAX_TEXT && isTime(v['at']);
}

/** The record when VALUE has every field of the schema with its type and range; else undefined.
 * Fields this version does not know are dropped (a newer supervise may add some). */
export function validExtraStatus(value: unknown): ExtraStatus | undefined {
  if (!isObject(value)) return undefined;
  const { pid, pgid, starts, lastStart, lastExit, supervisor, startError, state, ready, readySince, nextStart } = value;
  const { waitingFor, failedNeeds, type, status } = value;
  if (!isPid(pid) || !isPid(pgid) || !isCount(starts)) return undefined;
  if (lastStart !== null && !isTime(lastStart)) return undefined;
  if (!validLastExit(lastExit) || !validStartError(startError)) return undefined;
  if (!isPid(supervisor) || supervisor === 0) return undefined;
  if (state !== undefined && !SUPERVISOR_STATES.includes(state as SupervisorStateName)) return undefined;
  if (ready !== undefined && ready !== null && typeof ready !== 'boolean') return undefined;
  if (!isOptionalTime(readySince) || !isOptionalTime(nextStart)) return undefined;
  if (waitingFor !== undefined && !isNameList(waitingFor)) return undefined;
  if (failedNeeds !== undefined && !isNameList(failedNeeds)) return undefined;
  if (type !== undefined && type !== 'oneshot') return undefined;
  if (status !== undefined && status !== null && !(typeof status === 'string' && status.length <= MAX_TEXT)) {
    return undefined;
  }
  const extra: ExtraStatus = { pid, pgid, starts, lastStart, lastExit, supervisor, startError: startError ?? null };
  if (state !== undefined) extra.state = state as SupervisorStateName;
  if (ready !== undefined) extra.ready = ready as boolean | null;
  if (readySince !== undefined) extra.readySince = readySince as number | null;
  if (nextStart !== undefined) extra.nextStart = nextStart as number | null;
  if (waitingFor !== undefined) extra.waitingFor = waitingFor;
  if (failedNeeds !== undefined) extra.failedNeeds = failedNeeds;
  if (type !== undefined) extra.type = type;
  if (status !== undefined) extra.status = status as string | null;
  return extra;
}

/** Reads and checks PATH (a status.json): the record, or why it cannot be had (BADFORMAT for a
 * file that is not a regular file, too big, not JSON, or not of the schema). */
export function readExtraStatusFile(path: string | Buffer): ExtraStatusRead {
  const read: FileRead = readRegularFile(path, EXTRA_STATUS_MAX_BYTES);
  if (!read.ok) return read;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(read.bytes));
  } catch {
    return { ok: false, step: 'read', code: 'BADFORMAT' };
  }
  const extra = validExtraStatus(value);
  return extra ? { ok: true, extra } : { ok: false, step: 'read', code: 'BADFORMAT' };
}

/** Reads DIR/supervise/status.json; undefined when absent, unreadable or not of the schema. */
export function readExtraStatus(serviceDir: string): ExtraStatus | undefined {
  const read = readExtraStatusFile(join(serviceDir, 'supervise', EXTRA_STATUS_FILE));
  return read.ok ? read.extra : undefined;
}
