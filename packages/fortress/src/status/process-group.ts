// Memory of a process group from /proc: the resident set of every process whose pgrp matches.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_SIZE = 4096;

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
    groups.set(stat.pgrp, (groups.get(stat.pgrp) ?? 0) + stat.rssPages * PAGE_SIZE);
  }
  return groups;
}
