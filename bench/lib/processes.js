// What benchmarks measure of processes, through core's /proc module (ARCHITECTURE.md,
// "Processes and /proc"), and the cleanup of what a run left behind.
import { descendantsOf, listPids, readCwd, readMemoryUse, readStat, readStatus } from '@fortress/core/proc';
import { sleep } from './wait.js';

/**
 * USS in KiB of ROOT and its descendants, except the pids in EXCLUDE (the services), and how many processes that is.
 * Caveat: a page of the node binary this benchmark (itself a Node process) also has in memory
 * counts as shared, not private. With execa loaded that is about 7 MiB less Private_Clean per
 * Node process measured than from a bench without it (bench/init.js's header): compare Node
 * trees within one run, and figures from before the benches used execa with care.
 */
export function treeUss(root, exclude = new Set()) {
  let kib = 0;
  let processes = 0;
  for (const pid of [root, ...descendantsOf(root).map((p) => p.pid)]) {
    if (exclude.has(pid)) continue;
    kib += ussKiB(pid);
    processes++;
  }
  return { kib, processes };
}

/** Private memory (USS) of PID in KiB; 0 when it is gone. */
export function ussKiB(pid) {
  return (readMemoryUse(pid)?.uss ?? 0) / 1024;
}

/** Pids of the processes working in DIR or below it. */
export function processesUnder(dir) {
  return listPids().filter((pid) => {
    const cwd = readCwd(pid);
    return cwd !== undefined && (cwd === dir || cwd.startsWith(`${dir}/`)) && pid !== process.pid;
  });
}

/** SIGKILLs whatever still works under DIR, until nothing is left (at most ROUNDS tries). */
export async function killUnder(dir, rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    const left = processesUnder(dir);
    if (left.length === 0) return;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await sleep(50);
  }
}

/** CPU time used by PID so far, in clock ticks (user + system). */
export function cpuTicks(pid) {
  const stat = readStat(pid);
  return stat ? stat.utime + stat.stime : 0;
}

/** Resident memory of PID in KiB (VmRSS). */
export function rssKiB(pid) {
  return Number.parseInt(readStatus(pid)?.get('VmRSS') ?? '0', 10);
}
