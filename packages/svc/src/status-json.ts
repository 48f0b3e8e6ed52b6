// `svstat --json`: one object per directory, the same facts as the text line plus what fortress's
// supervise records in supervise/status.json (last exit, starts) when that file is current.
import type { Buffer } from 'node:buffer';
import { type ExtraStatus, type LastExit, readExtraStatus } from '@fortress/core/extra-status';
import { fromByteString } from './byte-strings.js';
import type { Inspection } from './inspect-service.js';
import { statusFields } from './status-text.js';

export interface ServiceJson {
  dir: string;
  /** up/down from supervise/status; unsupervised: supervise not running; unknown: see error. */
  state: 'up' | 'down' | 'unsupervised' | 'unknown';
  pid: number | null;
  /** Seconds since the last pid change, as svstat prints them. */
  seconds: number | null;
  /** Unix time in milliseconds of the last pid change. */
  since: number | null;
  paused: boolean | null;
  want: 'up' | 'down' | 'none' | null;
  /** down when DIR/down exists. */
  normally: 'up' | 'down' | null;
  /** From supervise/status.json, when fortress's supervise wrote it; else null. */
  lastExit: LastExit | null;
  starts: number | null;
  restarts: number | null;
  lastStart: number | null;
  supervisor: number | null;
  /** svstat's text for the failure (`supervise not running`, ...), null when state is up/down. */
  error: string | null;
  /** The errno name behind error (`ENOENT`), BADFORMAT for a short status file, else null. */
  errorCode: string | null;
}

/** DIR is a byte string (byte-strings.ts); the object holds it decoded as UTF-8. */
export function serviceJson(dir: string, inspection: Inspection, nowUnixSeconds: number): ServiceJson {
  const json: ServiceJson = {
    dir: fromByteString(dir),
    state: 'unknown',
    pid: null,
    seconds: null,
    since: null,
    paused: null,
    want: null,
    normally: inspection.normallyUp === undefined ? null : inspection.normallyUp ? 'up' : 'down',
    lastExit: null,
    starts: null,
    restarts: null,
    lastStart: null,
    supervisor: null,
    error: null,
    errorCode: null,
  };
  if (inspection.kind === 'error') {
    json.state = inspection.unsupervised ? 'unsupervised' : 'unknown';
    json.error = inspection.text;
    json.errorCode = inspection.unsupervised ? 'ENXIO' : (inspection.code ?? null);
    return json;
  }
  const fields = statusFields(inspection.status, nowUnixSeconds);
  json.state = fields.pid === 0 ? 'down' : 'up';
  json.pid = fields.pid;
  json.seconds = Number(fields.seconds);
  json.since = sinceMillis(inspection.status);
  json.paused = fields.pid !== 0 && fields.paused;
  json.want = fields.wantByte === 0x75 ? 'up' : fields.wantByte === 0x64 ? 'down' : 'none';
  const extra = currentExtraStatus(json.dir, fields.pid);
  if (extra) {
    json.lastExit = extra.lastExit ?? null;
    json.starts = numberOrNull(extra.starts);
    json.restarts = json.starts === null ? null : Math.max(0, json.starts - 1);
    json.lastStart = numberOrNull(extra.lastStart);
    json.supervisor = numberOrNull(extra.supervisor);
  }
  return json;
}

function sinceMillis(status: Buffer): number {
  const tai = status.readBigUInt64BE(0);
  return Number(tai - 0x400000000000000an) * 1000 + Math.floor(status.readUInt32BE(8) / 1e6);
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * supervise/status.json is trusted only when it describes the supervise now running: its
 * supervisor process exists and its pid matches the 18-byte record (a file left behind by an
 * earlier fortress supervise, with daemontools' supervise now in charge, is ignored).
 */
function currentExtraStatus(dir: string, pid: number): ExtraStatus | undefined {
  const extra = readExtraStatus(dir);
  if (!extra || extra.pid !== pid || !processExists(extra.supervisor)) return undefined;
  return extra;
}

function processExists(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
