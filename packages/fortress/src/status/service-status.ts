// One service's state for fortress status: core's inspection of the service directory (the one
// svstat --json renders), as svstat --json's object plus the service's name, its process group
// and the private memory of that group.
import { readStat } from '@fortress/core/proc';
import { inspectService } from '@fortress/core/service-inspect';
import { type ServiceJson, serviceJson } from '@fortress/svc/status-json';
import { GroupMemory } from './process-memory.js';

const { readdirSync, statSync } = process.getBuiltinModule('node:fs');
const { join } = process.getBuiltinModule('node:path');

export interface ServiceStatus extends ServiceJson {
  /** The name under the scan directory (`web`, `web/log`). */
  name: string;
  /** Process group of ./run (from status.json, else /proc) while up; else null. */
  pgid: number | null;
  /** Private memory (USS) of the processes of that group, in bytes; null when not up, or not readable. */
  memory: number | null;
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

/** The state of one service; `memory` is shared by the services of one scan (one /proc pass). */
export function readServiceStatus(name: string, dir: string, memory = new GroupMemory()): ServiceStatus {
  const inspection = inspectService(dir);
  const status: ServiceStatus = { name, ...serviceJson(dir, inspection), pgid: null, memory: null };
  if (inspection.state === 'up' && inspection.pid !== null) {
    status.pgid = inspection.extra?.pgid || readStat(inspection.pid)?.pgrp || null;
    if (status.pgid !== null) status.memory = memory.privateBytes(status.pgid);
  }
  return status;
}

/** Every service of a scan directory; an unreadable scan directory throws (with the errno's code). */
export function scanStatus(scanDir: string): ServiceStatus[] {
  const memory = new GroupMemory();
  return listServices(scanDir).map(({ name, dir }) => readServiceStatus(name, dir, memory));
}
