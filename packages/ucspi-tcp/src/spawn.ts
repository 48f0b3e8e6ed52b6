// Starts PROGRAM with a connection as fd 0 and 1 through posix_spawnp (glibc: clone with
// CLONE_VM|CLONE_VFORK), instead of libuv's fork of the whole Node process: cost does not grow
// with the server's heap, and the event loop is blocked far less per connection. Children are
// reaped with waitpid(-1) on SIGCHLD (libuv only waits for the pids it started itself).

import { SystemError } from '@fortress/core/errors';
import { koffiModule, libcFunction } from '@fortress/core/libc';

// biome-ignore lint/suspicious/noExplicitAny: koffi functions are untyped by nature
type CFunction = (...args: any[]) => any;

interface Spawner {
  spawnp: CFunction & { async: CFunction };
  faInit: CFunction;
  faDup2: CFunction;
  faDestroy: CFunction;
  waitpid: CFunction;
  attr: Buffer;
}

const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const WNOHANG = 1;

let spawner: Spawner | undefined;

function load(): Spawner {
  if (spawner) return spawner;
  koffiModule();
  const attrInit = libcFunction('int posix_spawnattr_init(void *attr)');
  const setFlags = libcFunction('int posix_spawnattr_setflags(void *attr, short flags)');
  const setSigDefault = libcFunction('int posix_spawnattr_setsigdefault(void *attr, const void *set)');
  const setSigMask = libcFunction('int posix_spawnattr_setsigmask(void *attr, const void *set)');
  const sigfillset = libcFunction('int sigfillset(void *set)');
  const sigemptyset = libcFunction('int sigemptyset(void *set)');
  // glibc x86_64/aarch64: posix_spawnattr_t is 336 bytes, sigset_t 128; allocate generously.
  const attr = Buffer.alloc(1024);
  const all = Buffer.alloc(256);
  const none = Buffer.alloc(256);
  attrInit(attr);
  sigfillset(all);
  sigemptyset(none);
  // Node ignores SIGPIPE; an ignored signal survives exec, so put every signal back to default.
  setSigDefault(attr, all);
  setSigMask(attr, none);
  setFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  const loaded: Spawner = {
    // koffi functions carry an .async variant that runs the call on a libuv worker thread.
    spawnp: libcFunction(
      'int posix_spawnp(_Out_ int *pid, const char *file, const void *fa, const void *attr, const char **argv, const char **envp)',
    ) as Spawner['spawnp'],
    faInit: libcFunction('int posix_spawn_file_actions_init(void *fa)'),
    faDup2: libcFunction('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)'),
    faDestroy: libcFunction('int posix_spawn_file_actions_destroy(void *fa)'),
    waitpid: libcFunction('int waitpid(int pid, _Out_ int *status, int options)'),
    attr,
  };
  spawner = loaded;
  return loaded;
}

const statusOut = new Int32Array(1);

/**
 * Runs argv[0] (searched in the server's PATH) with fd on 0 and 1 and stderr inherited;
 * envp: `NAME=VALUE` strings. Resolves with the pid; rejects with a SystemError (ENOENT…).
 * The call runs on a libuv worker thread: with CLONE_VFORK the caller is suspended until the
 * child has exec'd, which on a busy machine is most of the cost, and the event loop keeps
 * accepting meanwhile. fd must stay open until the promise settles.
 */
export function spawnWithConnectionAsync(argv: string[], envp: string[], fd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = () => {
      inFlight++;
      startSpawn(argv, envp, fd, (err, pid) => {
        inFlight--;
        waiting.shift()?.();
        if (err) reject(err);
        else resolve(pid);
      });
    };
    if (inFlight < MAX_IN_FLIGHT) start();
    else waiting.push(start);
  });
}

// libuv runs 4 calls at a time anyway; beyond koffi's 8 resident call pools every async call
// would allocate its own stack and heap blocks (and koffi refuses more than 256 at once).
const MAX_IN_FLIGHT = 8;
let inFlight = 0;
const waiting: Array<() => void> = [];

function startSpawn(argv: string[], envp: string[], fd: number, done: (err: unknown, pid: number) => void): void {
  const s = load();
  const actions = Buffer.alloc(256);
  const pid = new Int32Array(1);
  try {
    s.faInit(actions);
    s.faDup2(actions, fd, 0);
    s.faDup2(actions, fd, 1);
    s.spawnp.async(
      pid,
      argv[0],
      actions,
      s.attr,
      [...argv, null],
      [...envp, null],
      (callError: unknown, err: number) => {
        s.faDestroy(actions);
        if (callError) done(callError, 0);
        else if (err !== 0) done(new SystemError('posix_spawnp', err), 0);
        else done(undefined, pid[0] as number);
      },
    );
  } catch (err) {
    done(err, 0);
  }
}

/** Reaps one finished child: [pid, raw wait status], or undefined when none is ready. */
export function reapChild(): [number, number] | undefined {
  const pid = load().waitpid(-1, statusOut, WNOHANG) as number;
  if (pid <= 0) return undefined;
  return [pid, statusOut[0] as number];
}
