// The one place the dashboard reads service status: core's inspection of each directory, as
// svstat --json renders it, and fortress status's private memory (USS) of process groups. The
// page renders whatever `state` string it gives.
import { readStat } from '@fortress/core/proc';
import { inspectService } from '@fortress/core/service-inspect';
import { toByteString } from '@fortress/svc/byte-strings';
import { sendControl } from '@fortress/svc/send-control';
import { type ServiceJson, serviceJson } from '@fortress/svc/status-json';
import { GroupMemory } from '../status/process-memory.js';
import { listServices } from '../status/service-status.js';

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
  /** Private bytes (USS) of the service's process group, null when it is not running or not readable. */
  memory: number | null;
}

/** The services of a scan directory and their loggers, as fortress status lists them. */
export function listServiceDirs(scanDir: string): ServiceEntry[] {
  return listServices(scanDir);
}

/** Memory per process group, one pass over /proc: shared by every service of one refresh. */
export function memoryTable(): GroupMemory {
  return new GroupMemory();
}

/** svstat --json's object for DIR. */
export function statusJson(dir: string): ServiceJson {
  return serviceJson(dir, inspectService(dir));
}

/**
 * What the page shows of one service. Run under its own account (fortress conf dashboard) the
 * dashboard may read supervise/ but not open the root-owned ok FIFO for writing, svstat's
 * liveness test: a current status.json's supervisor stands in for it (with daemontools'
 * supervise, which writes none, such a service shows as unknown).
 */
export function readService(entry: ServiceEntry, memory: () => GroupMemory): ServiceView {
  const inspection = inspectService(entry.dir, { supervisorFromStatusJson: true });
  const json = serviceJson(entry.dir, inspection);
  let bytes: number | null = null;
  if (inspection.state === 'up' && inspection.pid) {
    const pgid = inspection.extra?.pgid || readStat(inspection.pid)?.pgrp;
    if (pgid) bytes = memory().privateBytes(pgid);
  }
  return { name: entry.name, dir: entry.dir, json, memory: bytes };
}

/** Writes svc's command letters to DIR/supervise/control, as svc does; a warning text on failure. */
export function control(dir: string, letters: string): string | undefined {
  return sendControl(toByteString(dir), letters);
}

/** Where a service's status files live: the directory to watch for its changes. */
export function statusDir(dir: string): string {
  return join(dir, 'supervise');
}
