// Memory of a process group from /proc: the resident set of every process whose pgrp matches.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

let pageSize: number | undefined;

/** The kernel's page size (4 KiB on x86-64, 16 or 64 KiB on some arm64), from /proc/self/smaps. */
function kernelPageSize(): number {
  if (pageSize !== undefined) return pageSize;
  pageSize = 4096;
  try {
    const fd = openSync('/proc/self/smaps', 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, null);
    closeSync(fd);
    const kb = /^KernelPageSize:\s+(\d+) kB$/m.exec(buf.toString('latin1', 0, n))?.[1];
    if (kb) pageSize = Number(kb) * 1024;
  } catch {
    // keep 4 KiB
  }
  return pageSize;
}

interface Stat {
  pgrp: number;
  rssPages: number;
}

/** Parses /proc/PID/stat (the command name may hold spaces and parentheses: split after the last ')'). */
export function readStat(pid: number, procRoot = '/proc'): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): pgrp is field 5, rss field 24.
  return { pgrp: Number(rest[2]), rssPages: Number(rest[21]) };
}

/** Resident bytes per process group, over every process: one pass over /proc for all services. */
export function memoryByGroup(procRoot = '/proc'): Map<number, number> {
  const groups = new Map<number, number>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry), procRoot);
    if (!stat) continue;
    groups.set(stat.pgrp, (groups.get(stat.pgrp) ?? 0) + stat.rssPages * kernelPageSize());
  }
  return groups;
}
