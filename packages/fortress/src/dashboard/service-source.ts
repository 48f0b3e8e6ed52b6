// The one place the dashboard reads service status: svstat --json's objects (svc's inspection
// and serviceJson) and fortress status's process-group memory. When a newer status model lands,
// only this module changes; the page renders whatever `state` string it gives.
import { readExtraStatus } from '@fortress/core/extra-status';
import { toByteString } from '@fortress/svc/byte-strings';
import { type Inspection, ServiceInspector, STATUS_SIZE } from '@fortress/svc/inspect-service';
import { sendControl } from '@fortress/svc/send-control';
import { type ServiceJson, serviceJson } from '@fortress/svc/status-json';
import { unixNow } from '@fortress/svc/status-text';
import { memoryByGroup, readStat } from '../status/process-group.js';
import { listServices } from '../status/service-status.js';

const { closeSync, openSync, readSync, statSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

export type { ServiceJson };

export interface ServiceEntry {
  /** `web`, or `web/log` for its logger. */
  name: string;
  dir: string;
}

export interface ServiceView {
  name: string;
  dir: string;
  /** Exactly what `svstat --json DIR` prints for the directory. */
  json: ServiceJson;
  /** Resident bytes of the service's process group, null when it is not running. */
  memory: number | null;
}

/** The services of a scan directory and their loggers, as fortress status lists them. */
export function listServiceDirs(scanDir: string): ServiceEntry[] {
  return listServices(scanDir);
}

/** Memory per process group, one pass over /proc: shared by every service of one refresh. */
export function memoryTable(): Map<number, number> {
  return memoryByGroup();
}

const inspector = new ServiceInspector();

/** svstat --json's object for DIR (svstat's own checks, the dashboard's account permitting). */
export function statusJson(dir: string): ServiceJson {
  const byteDir = toByteString(dir);
  return serviceJson(byteDir, inspector.inspect(byteDir), unixNow());
}

/** What the page shows of one service. */
export function readService(entry: ServiceEntry, memory: () => Map<number, number>): ServiceView {
  const byteDir = toByteString(entry.dir);
  let inspection = inspector.inspect(byteDir);
  if (inspection.kind === 'error' && inspection.code === 'EACCES') inspection = unprivileged(entry.dir, inspection);
  const json = serviceJson(byteDir, inspection, unixNow());
  let view: ServiceView = { name: entry.name, dir: entry.dir, json, memory: null };
  if (json.state === 'up' && json.pid) {
    const extra = readExtraStatus(entry.dir);
    // status.json is written just after status: its pgid counts only when it describes this pid.
    const pgid = (extra?.pid === json.pid ? extra.pgid : undefined) || readStat(json.pid)?.pgrp;
    const bytes = pgid ? memory().get(pgid) : undefined;
    if (bytes !== undefined) view = { ...view, memory: bytes };
  }
  return view;
}

/**
 * Run under its own account (fortress conf dashboard) the dashboard may read supervise/ but not
 * open the root-owned supervise/ok FIFO for writing, which is svstat's liveness test. Then
 * supervise/status.json's supervisor pid (checked by serviceJson) stands in for it; without
 * that file (daemontools' supervise) the error stays.
 */
function unprivileged(dir: string, original: Inspection): Inspection {
  const extra = readExtraStatus(dir);
  if (!extra || !processExists(extra.supervisor)) return original;
  const status = Buffer.alloc(STATUS_SIZE);
  try {
    const fd = openSync(join(dir, 'supervise', 'status'), 'r');
    try {
      if (readSync(fd, status, 0, STATUS_SIZE, 0) < STATUS_SIZE) return original;
    } finally {
      closeSync(fd);
    }
  } catch {
    return original;
  }
  let normallyUp = true;
  try {
    statSync(join(dir, 'down'));
    normallyUp = false;
  } catch {
    // no down file
  }
  return { kind: 'status', normallyUp, status };
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

/** Writes svc's command letters to DIR/supervise/control, as svc does; a warning text on failure. */
export function control(dir: string, letters: string): string | undefined {
  return sendControl(toByteString(dir), letters);
}

/** Where a service's status files live: the directory to watch for its changes. */
export function statusDir(dir: string): string {
  return join(dir, 'supervise');
}
