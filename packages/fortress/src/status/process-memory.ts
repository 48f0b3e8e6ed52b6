// Memory of a service: the private memory (USS: pages no other process maps, what stopping the
// service would free) of every process in its process group, summed. Not RSS, which counts
// Node's shared pages in full in every process (about 52 MiB for each of our loggers, 12 MiB of
// it their own), nor PSS, which moves with whatever else runs on the machine (17.5 to 24 MiB for
// the same logger, measured).
import { isZombie, processGroups, readAllStats, readMemoryUse, readStat } from '@fortress/core/proc';

export class GroupMemory {
  #groups: Map<number, number[]> | undefined;
  readonly #procRoot: string | undefined;

  constructor(procRoot?: string) {
    this.#procRoot = procRoot;
  }

  /** Private bytes of process group PGID (0 when it has no process left); null when a member's
   * memory may not be read (smaps_rollup needs root or the process's own account). */
  privateBytes(pgid: number): number | null {
    // One pass over /proc per scan, made only when some service is up.
    this.#groups ??= processGroups(readAllStats(this.#procRoot).filter((s) => !isZombie(s)));
    let sum = 0;
    for (const pid of this.#groups.get(pgid) ?? []) {
      const use = readMemoryUse(pid, this.#procRoot);
      if (use) sum += use.uss;
      else if (readStat(pid, this.#procRoot)) return null; // there, but not ours to read
    }
    return sum;
  }
}
