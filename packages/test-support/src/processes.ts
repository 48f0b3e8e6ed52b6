// Cleaning up the processes a test started, by pid or by the process group it created, even
// when the test fails; never by name.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { after } from 'node:test';
import { listPids, readCwd } from '@fortress/core/proc';

/** Sends SIGNAL to TARGET (a pid, or -pgid for a group), ignoring a target already gone. */
export function killQuietly(target: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (target === 0) return; // 0 would signal the test's own process group
  try {
    process.kill(target, signal);
  } catch {
    // already gone
  }
}

/**
 * Spawns ARGV as the leader of its own process group (raw spawn: the caller chooses every
 * descriptor), and SIGKILLs that whole group in a node:test `after` hook, so children the
 * program left behind go too, whether the test passed or not.
 */
export function spawnGroup(argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), { ...options, detached: true });
  after(() => {
    if (child.pid !== undefined) killQuietly(-child.pid);
  });
  return child;
}

/** Pids of processes whose working directory lies under DIR: what a test started there. */
export function pidsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    // undefined: gone, or not ours to see; a removed directory reads `DIR (deleted)`.
    const cwd = readCwd(pid)?.replace(/ \(deleted\)$/, '');
    if (cwd !== undefined && (cwd === dir || cwd.startsWith(`${dir}/`))) pids.push(pid);
  }
  return pids;
}

/** Last resort in after(): SIGKILL whatever still runs from the test's directory. */
export function killUnder(dir: string): void {
  for (const pid of pidsUnder(dir)) killQuietly(pid);
}
