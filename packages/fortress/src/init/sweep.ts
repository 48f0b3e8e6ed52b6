// The last step of a stop: TERM (and CONT) to every process left, then KILL to what is still
// there after the grace time. "Left" is every other process of the PID namespace when init is
// its PID 1, and init's descendants otherwise (as a subreaper it inherits their orphans, so
// they stay its descendants). Each process is known by pid and start time: a pid reused by a
// newcomer is never signalled.
import { descendantsOf, isZombie, type ProcessIdentity, readAllStats, sameProcess } from '@fortress/core/proc';
import { waitFor } from '@fortress/core/wait-for';

/** The processes a sweep would signal now. */
export function leftoverProcesses(wholeNamespace: boolean): ProcessIdentity[] {
  const stats = readAllStats();
  if (!wholeNamespace) return descendantsOf(process.pid, stats);
  return stats
    .filter((s) => s.pid !== process.pid && !isZombie(s))
    .map((s) => ({ pid: s.pid, starttime: s.starttime }));
}

/** Resolves with how many processes had to be killed. */
export async function sweep(wholeNamespace: boolean, killGraceMs: number): Promise<number> {
  const first = leftoverProcesses(wholeNamespace);
  if (first.length === 0) return 0;
  for (const p of first) signal(p, 'SIGTERM');
  for (const p of first) signal(p, 'SIGCONT');
  const gone = await waitFor(
    'the processes left to exit',
    () => leftoverProcesses(wholeNamespace).length === 0,
    killGraceMs,
  ).then(
    () => true,
    () => false,
  );
  if (gone) return 0;
  const rest = leftoverProcesses(wholeNamespace);
  for (const p of rest) signal(p, 'SIGKILL');
  await waitFor('the killed processes to exit', () => leftoverProcesses(wholeNamespace).length === 0, 2000).catch(
    () => {},
  );
  return rest.length;
}

function signal(p: ProcessIdentity, name: NodeJS.Signals): void {
  if (!sameProcess(p)) return;
  try {
    process.kill(p.pid, name);
  } catch {
    // exited meanwhile
  }
}
