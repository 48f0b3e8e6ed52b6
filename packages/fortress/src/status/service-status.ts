// One service's state for fortress status: supervise/status (the 18-byte record), supervise/status.json
// (what our supervise adds), liveness of supervise through supervise/ok, memory from /proc.
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorText } from '@fortress/core/errors';
import { type LastExit, readExtraStatus } from '@fortress/core/extra-status';
import { decodeStatus } from '@fortress/core/status-record';
import { memoryByGroup, readStat } from './process-group.js';

export type State = 'up' | 'down' | 'unsupervised' | 'error';

export interface ServiceStatus {
  name: string;
  dir: string;
  state: State;
  pid: number | null;
  /** Seconds since the last pid change (start or death). */
  seconds: number | null;
  want: 'up' | 'down' | null;
  paused: boolean;
  normallyUp: boolean;
  /** Starts of ./run beyond the first, when supervise records them. */
  restarts: number | null;
  lastExit: LastExit | null;
  pgid: number | null;
  /** Resident bytes of the service's process group. */
  memory: number | null;
  error: string | null;
}

/** Services under a scan directory (dot-names skipped, symlinks followed) and their log services. */
export function listServices(scanDir: string): { name: string; dir: string }[] {
  const out: { name: string; dir: string }[] = [];
  for (const name of readdirSync(scanDir).sort()) {
    if (name.startsWith('.')) continue;
    const dir = join(scanDir, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    out.push({ name, dir });
    const log = join(dir, 'log');
    try {
      if (statSync(log).isDirectory()) out.push({ name: `${name}/log`, dir: log });
    } catch {
      // no logger
    }
  }
  return out;
}

/** svok's test: supervise holds supervise/ok open for reading (ENXIO, ENOENT: it does not). */
function superviseRunning(dir: string): true | false | Error {
  try {
    closeSync(openSync(join(dir, 'supervise', 'ok'), constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENXIO' || code === 'ENOENT' || code === 'ENOTDIR' ? false : (err as Error);
  }
}

/** The state of one service; `memory` is a per-group table shared by the services of one scan. */
export function readServiceStatus(
  name: string,
  dir: string,
  now = Date.now(),
  memory: () => Map<number, number> = () => memoryByGroup(),
): ServiceStatus {
  const status: ServiceStatus = {
    name,
    dir,
    state: 'unsupervised',
    pid: null,
    seconds: null,
    want: null,
    paused: false,
    normallyUp: !existsSync(join(dir, 'down')),
    restarts: null,
    lastExit: null,
    pgid: null,
    memory: null,
    error: null,
  };
  const running = superviseRunning(dir);
  if (running instanceof Error) {
    return { ...status, state: 'error', error: `unable to open supervise/ok: ${errorText(running)}` };
  }
  if (!running) return status;
  let record: ReturnType<typeof decodeStatus>;
  try {
    record = decodeStatus(readFileSync(join(dir, 'supervise', 'status')));
  } catch (err) {
    return { ...status, state: 'error', error: `unable to read supervise/status: ${errorText(err)}` };
  }
  if (!record) return { ...status, state: 'error', error: 'unable to read supervise/status: bad format' };
  status.state = record.pid === 0 ? 'down' : 'up';
  status.pid = record.pid === 0 ? null : record.pid;
  status.seconds = Math.max(0, Math.floor(now / 1000) - record.since.seconds);
  status.want = record.want === 'none' ? null : record.want;
  status.paused = record.paused && record.pid !== 0;
  const extra = readExtraStatus(dir);
  if (extra) {
    status.restarts = Math.max(0, extra.starts - 1);
    status.lastExit = extra.lastExit;
    status.pgid = extra.pgid || null;
  }
  if (status.pid !== null) {
    status.pgid ??= readStat(status.pid)?.pgrp ?? null;
    if (status.pgid !== null) status.memory = memory().get(status.pgid) ?? 0;
  }
  return status;
}

/** Every service of a scan directory; an unreadable scan directory throws (with the errno's code). */
export function scanStatus(scanDir: string): ServiceStatus[] {
  let table: Map<number, number> | undefined;
  const memory = (): Map<number, number> => {
    table ??= memoryByGroup();
    return table;
  };
  const now = Date.now();
  return listServices(scanDir).map(({ name, dir }) => readServiceStatus(name, dir, now, memory));
}
