// Starts ./run or ./finish the way supervise needs, in one posix_spawn (glibc: clone with
// CLONE_VM|CLONE_VFORK, so nothing of Node's memory is copied, unlike libuv's fork):
//   chdir DIR, the descriptors given moved to 0, 1, 2, ..., a new session, every signal
//   back to its default and none blocked, then execve of a path relative to DIR (no PATH search).
// core's spawn has no chdir, and supervise's class must not chdir the process that hosts it.
// Result: the pid, or -errno (ENOENT, EACCES, ... when the exec or the chdir failed).
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>

#include "napi-args.h"
#include "spawn-attr.h"

// Up to fd 63: room for a notification-fd (s6's readiness descriptor) above stdio.
#define MAX_FDS 64

// Descriptor moves: fds[i] becomes the child's descriptor i (-1: i stays closed, as every
// descriptor not moved is close-on-exec). Two steps through descriptors
// above every source and target, so a source that is also a target (stdout given as fd 0)
// is not overwritten before it is used, and dup2 never maps a descriptor onto itself (which
// would keep its close-on-exec flag).
static void add_moves(posix_spawn_file_actions_t *actions, const int *fds, int n) {
  int spare = n;
  for (int i = 0; i < n; i++)
    if (fds[i] >= spare) spare = fds[i] + 1;
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0) posix_spawn_file_actions_adddup2(actions, fds[i], spare + i);
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0) posix_spawn_file_actions_adddup2(actions, spare + i, i);
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0) posix_spawn_file_actions_addclose(actions, spare + i);
}

// spawnService(dir, path, argv[], envp[], fds[]) -> pid, or -errno.
static napi_value SpawnService(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  int fds[MAX_FDS];
  uint32_t nfds = 0;
  napi_get_array_length(env, args[4], &nfds);
  if (argc < 5 || nfds > MAX_FDS) return int_value(env, -EINVAL);
  for (uint32_t i = 0; i < nfds; i++) {
    napi_value e;
    napi_get_element(env, args[4], i, &e);
    if (napi_get_value_int32(env, e, &fds[i]) != napi_ok || fds[i] < -1) return int_value(env, -EBADF);
  }
  char *dir = arg_string(env, args[0]);
  char *path = arg_string(env, args[1]);
  char **argv = arg_strings(env, args[2]);
  char **envp = arg_strings(env, args[3]);
  int64_t r = -ENOMEM;
  if (dir && path && argv && envp) {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    spawn_attr_init(&attr, POSIX_SPAWN_SETSID);
    posix_spawn_file_actions_init(&actions);
    // chdir first: DIR may be /proc/self/fd/N, whose N is one of the descriptors moved below.
    posix_spawn_file_actions_addchdir_np(&actions, dir);
    add_moves(&actions, fds, (int)nfds);
    pid_t pid;
    int error = posix_spawn(&pid, path, &actions, &attr, argv, envp);
    r = error ? -error : pid;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  free(dir);
  free(path);
  free_strings(argv);
  free_strings(envp);
  return int_value(env, r);
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "spawnService", NAPI_AUTO_LENGTH, SpawnService, NULL, &f);
  napi_set_named_property(env, exports, "spawnService", f);
  return exports;
}
