// The children this process waits for itself, by pid: what a reaper of orphans must leave
// alone. supervise's child-exits claims ./run and ./finish; claimNodeChildren() claims what
// Node's child_process starts (libuv waits for each of its pids itself, and a status taken from
// it leaves its ChildProcess waiting forever).
const claimed = new Set<number>();
let claimingNodeChildren = false;

/** PID is ours to wait for: a reaper must not take its status. Call in the tick that spawned it. */
export function claimChild(pid: number): void {
  claimed.add(pid);
}

/** PID has been waited for by its owner. */
export function releaseChild(pid: number): void {
  claimed.delete(pid);
}

export function isClaimedChild(pid: number): boolean {
  return claimed.has(pid);
}

/**
 * From now on, every child started through node:child_process is claimed from its spawn (in
 * the same tick) to its 'exit' event. Loads node:child_process (about 2 MiB): only a process
 * that reaps orphans calls it.
 */
export function claimNodeChildren(): void {
  if (claimingNodeChildren) return;
  claimingNodeChildren = true;
  const { ChildProcess } = process.getBuiltinModule('node:child_process');
  // ChildProcess#spawn is what spawn, exec, execFile and fork call; @types/node does not declare it.
  type Spawn = (this: InstanceType<typeof ChildProcess>, ...args: unknown[]) => unknown;
  const proto = ChildProcess.prototype as unknown as { spawn: Spawn };
  const spawn = proto.spawn;
  proto.spawn = function claimedSpawn(...args) {
    const result = spawn.apply(this, args);
    const pid = this.pid;
    if (pid !== undefined) {
      claimed.add(pid);
      this.once('exit', () => claimed.delete(pid));
    }
    return result;
  };
}
