// Starts PROGRAM with a connection as fd 0 and 1 through posix_spawnp (glibc: clone with
// CLONE_VM|CLONE_VFORK), instead of libuv's fork of the whole Node process: cost does not grow
// with the server's heap, and the event loop is blocked far less per connection. Children are
// reaped with waitpid(-1) on SIGCHLD (libuv only waits for the pids it started itself).
import { spawnAsync, WNOHANG, waitpid } from '@fortress/core/libc';

/**
 * Runs argv[0] (searched in the server's PATH) with fd on 0 and 1 and stderr inherited;
 * envp: `NAME=VALUE` strings. Resolves with the pid; rejects with a SystemError (ENOENT…).
 * The call runs on a libuv worker thread: with CLONE_VFORK the caller is suspended until the
 * child has exec'd, which on a busy machine is most of the cost, and the event loop keeps
 * accepting meanwhile. fd must stay open until the promise settles.
 */
export function spawnWithConnectionAsync(argv: string[], envp: string[], fd: number): Promise<number> {
  return spawnAsync(argv[0]!, argv, envp, {
    moves: [
      [fd, 0],
      [fd, 1],
    ],
  });
}

/** Reaps one finished child: [pid, raw wait status], or undefined when none is ready. */
export function reapChild(): [number, number] | undefined {
  try {
    const [pid, status] = waitpid(-1, WNOHANG);
    return pid > 0 ? [pid, status] : undefined;
  } catch {
    return undefined; // ECHILD: none left
  }
}
