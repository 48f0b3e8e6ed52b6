// The libc calls Node lacks (ARCHITECTURE.md, "Native code"), as a small Node-API addon.
// Convention: an int result below 0 is -errno; the TypeScript side (src/libc.ts) turns it into
// a SystemError. Nothing here keeps state, so the addon is safe in worker threads.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "napi-args.h"
#include "spawn-attr.h"

static napi_value result(napi_env env, int r) { return int_value(env, r < 0 ? -errno : r); }

static napi_value Flock(napi_env env, napi_callback_info info) {
  ARGS(2);
  return result(env, flock(arg_int(env, argv[0]), arg_int(env, argv[1])));
}

static napi_value Setsid(napi_env env, napi_callback_info info) {
  (void)info;
  return result(env, setsid());
}

static napi_value Setpgid(napi_env env, napi_callback_info info) {
  ARGS(2);
  return result(env, setpgid(arg_int(env, argv[0]), arg_int(env, argv[1])));
}

static napi_value Getpgid(napi_env env, napi_callback_info info) {
  ARGS(1);
  return result(env, getpgid(arg_int(env, argv[0])));
}

static napi_value Mkfifo(napi_env env, napi_callback_info info) {
  ARGS(2);
  char *path = arg_string(env, argv[0]);
  int r = path ? mkfifo(path, (mode_t)arg_int(env, argv[1])) : (errno = EINVAL, -1);
  napi_value v = result(env, r);
  free(path);
  return v;
}

static napi_value Chroot(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *path = arg_string(env, argv[0]);
  int r = path ? chroot(path) : (errno = EINVAL, -1);
  napi_value v = result(env, r);
  free(path);
  return v;
}

static napi_value Fcntl(napi_env env, napi_callback_info info) {
  ARGS(3);
  return result(env, fcntl(arg_int(env, argv[0]), arg_int(env, argv[1]), (long)arg_int(env, argv[2])));
}

static napi_value Prctl(napi_env env, napi_callback_info info) {
  ARGS(2);
  return result(env, prctl(arg_int(env, argv[0]), (unsigned long)arg_int(env, argv[1]), 0UL, 0UL, 0UL));
}

static napi_value Dup(napi_env env, napi_callback_info info) {
  ARGS(1);
  return result(env, dup(arg_int(env, argv[0])));
}

static napi_value Dup2(napi_env env, napi_callback_info info) {
  ARGS(2);
  return result(env, dup2(arg_int(env, argv[0]), arg_int(env, argv[1])));
}

// pipe2(flags) -> [read fd, write fd], or -errno.
static napi_value Pipe2(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fds[2];
  if (pipe2(fds, arg_int(env, argv[0])) < 0) return int_value(env, -errno);
  napi_value pair;
  napi_create_array_with_length(env, 2, &pair);
  napi_set_element(env, pair, 0, int_value(env, fds[0]));
  napi_set_element(env, pair, 1, int_value(env, fds[1]));
  return pair;
}

// setsockopt(fd, level, name, buffer or null): null sets an empty option (clears IP options).
static napi_value Setsockopt(napi_env env, napi_callback_info info) {
  ARGS(4);
  void *data = NULL;
  size_t len = 0;
  bool is_buffer = false;
  napi_is_buffer(env, argv[3], &is_buffer);
  if (is_buffer) napi_get_buffer_info(env, argv[3], &data, &len);
  return result(env, setsockopt(arg_int(env, argv[0]), arg_int(env, argv[1]), arg_int(env, argv[2]), data,
                                (socklen_t)len));
}

// getsockopt(fd, level, name, max length) -> Buffer with the option's bytes, or -errno.
static napi_value Getsockopt(napi_env env, napi_callback_info info) {
  ARGS(4);
  unsigned char value[256];
  socklen_t len = (socklen_t)arg_int(env, argv[3]);
  if (len > sizeof value) len = sizeof value;
  if (getsockopt(arg_int(env, argv[0]), arg_int(env, argv[1]), arg_int(env, argv[2]), value, &len) < 0)
    return int_value(env, -errno);
  napi_value buffer;
  void *copy;
  napi_create_buffer_copy(env, len, value, &copy, &buffer);
  return buffer;
}

static napi_value Socket(napi_env env, napi_callback_info info) {
  ARGS(3);
  return result(env, socket(arg_int(env, argv[0]), arg_int(env, argv[1]), arg_int(env, argv[2])));
}

// connect(fd, sockaddr bytes): blocking unless the descriptor is non-blocking.
static napi_value Connect(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *data = NULL;
  size_t len = 0;
  napi_get_buffer_info(env, argv[1], &data, &len);
  return result(env, connect(arg_int(env, argv[0]), data, (socklen_t)len));
}

// getrlimit(resource) -> [soft, hard] as bigints, or -errno.
static napi_value Getrlimit(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct rlimit rl;
  if (getrlimit(arg_int(env, argv[0]), &rl) < 0) return int_value(env, -errno);
  napi_value pair, soft, hard;
  napi_create_bigint_uint64(env, rl.rlim_cur, &soft);
  napi_create_bigint_uint64(env, rl.rlim_max, &hard);
  napi_create_array_with_length(env, 2, &pair);
  napi_set_element(env, pair, 0, soft);
  napi_set_element(env, pair, 1, hard);
  return pair;
}

static napi_value Setrlimit(napi_env env, napi_callback_info info) {
  ARGS(3);
  struct rlimit rl;
  bool lossless;
  uint64_t soft = 0, hard = 0;
  napi_get_value_bigint_uint64(env, argv[1], &soft, &lossless);
  napi_get_value_bigint_uint64(env, argv[2], &hard, &lossless);
  rl.rlim_cur = soft;
  rl.rlim_max = hard;
  return result(env, setrlimit(arg_int(env, argv[0]), &rl));
}

// Puts a signal's disposition back to SIG_DFL (Node ignores SIGPIPE; an ignored signal survives
// exec).
static napi_value ResetSignal(napi_env env, napi_callback_info info) {
  ARGS(1);
  return result(env, signal(arg_int(env, argv[0]), SIG_DFL) == SIG_ERR ? -1 : 0);
}

// waitpid(pid, options) -> [pid, raw status]; [0, 0] when WNOHANG finds none; -errno on error.
static napi_value Waitpid(napi_env env, napi_callback_info info) {
  ARGS(2);
  int status = 0;
  pid_t pid = waitpid(arg_int(env, argv[0]), &status, arg_int(env, argv[1]));
  if (pid < 0) return int_value(env, -errno);
  napi_value pair;
  napi_create_array_with_length(env, 2, &pair);
  napi_set_element(env, pair, 0, int_value(env, pid));
  napi_set_element(env, pair, 1, int_value(env, status));
  return pair;
}

// zombieChildren(ppid) -> the pids of zombies whose parent is PPID, from one pass over /proc
// (fortress init's reaper: it then waits for each pid nobody else owns, never for -1). Done
// here, not in JS, because it runs on every SIGCHLD and reads one small file per process.
static napi_value ZombieChildren(napi_env env, napi_callback_info info) {
  ARGS(1);
  int parent = arg_int(env, argv[0]);
  napi_value list;
  napi_create_array(env, &list);
  DIR *proc = opendir("/proc");
  if (proc == NULL) return int_value(env, -errno);
  uint32_t n = 0;
  struct dirent *entry;
  char path[64], text[512];
  while ((entry = readdir(proc)) != NULL) {
    int pid = atoi(entry->d_name);
    if (pid <= 0) continue;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t len = read(fd, text, sizeof text - 1);
    close(fd);
    if (len <= 0) continue;
    text[len] = '\0';
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so after the last ')'.
    char *close_paren = strrchr(text, ')');
    if (close_paren == NULL) continue;
    char state = 0;
    int ppid = 0;
    if (sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2) continue;
    if (state != 'Z' || ppid != parent) continue;
    napi_set_element(env, list, n++, int_value(env, pid));
  }
  closedir(proc);
  return list;
}

// poll(pollfd buffer, nfds, timeout): the buffer holds struct pollfd entries (8 bytes each).
static napi_value Poll(napi_env env, napi_callback_info info) {
  ARGS(3);
  void *data = NULL;
  size_t len = 0;
  napi_get_buffer_info(env, argv[0], &data, &len);
  nfds_t n = (nfds_t)arg_int(env, argv[1]);
  if (n * sizeof(struct pollfd) > len) return int_value(env, -EINVAL);
  return result(env, poll(data, n, arg_int(env, argv[2])));
}

// --- Asynchronous calls on libuv's thread pool: poll and spawn block, the event loop must not.

// Queues a job: `execute` runs on a pool thread, `complete` back on the JS thread.
static void queue_work(napi_env env, const char *name, napi_async_execute_callback execute,
                       napi_async_complete_callback complete, void *job, napi_async_work *work) {
  napi_value resource_name;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name);
  napi_create_async_work(env, NULL, resource_name, execute, complete, job, work);
  napi_queue_async_work(env, *work);
}

// Calls a job's JS callback with its one integer result, and lets go of the callback.
static void call_back(napi_env env, napi_ref callback_ref, int64_t result) {
  napi_value callback, global, arg = int_value(env, result);
  napi_get_reference_value(env, callback_ref, &callback);
  napi_get_global(env, &global);
  napi_delete_reference(env, callback_ref);
  napi_call_function(env, global, callback, 1, &arg, NULL);
}

typedef struct {
  napi_async_work work;
  napi_ref callback;
  napi_ref keep; // the buffer poll writes into, kept alive until completion
  struct pollfd *fds;
  nfds_t nfds;
  int timeout;
  int result;
} poll_job;

static void poll_execute(napi_env env, void *data) {
  (void)env;
  poll_job *job = data;
  int r = poll(job->fds, job->nfds, job->timeout);
  job->result = r < 0 ? -errno : r;
}

static void poll_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  poll_job *job = data;
  napi_ref callback = job->callback;
  int result = job->result;
  napi_delete_reference(env, job->keep);
  napi_delete_async_work(env, job->work);
  free(job);
  call_back(env, callback, result);
}

// pollAsync(pollfd buffer, nfds, timeout, callback(result)).
static napi_value PollAsync(napi_env env, napi_callback_info info) {
  ARGS(4);
  void *data = NULL;
  size_t len = 0;
  napi_get_buffer_info(env, argv[0], &data, &len);
  nfds_t n = (nfds_t)arg_int(env, argv[1]);
  if (n * sizeof(struct pollfd) > len) return int_value(env, -EINVAL);
  poll_job *job = calloc(1, sizeof *job);
  if (!job) return int_value(env, -ENOMEM);
  job->fds = data;
  job->nfds = n;
  job->timeout = arg_int(env, argv[2]);
  napi_create_reference(env, argv[0], 1, &job->keep);
  napi_create_reference(env, argv[3], 1, &job->callback);
  queue_work(env, "fortress.poll", poll_execute, poll_complete, job, &job->work);
  return int_value(env, 0);
}

enum { SPAWN_SETSID = 1, SPAWN_SETPGROUP = 2 };

typedef struct {
  napi_async_work work;
  napi_ref callback;
  char *file;
  char *cwd; // NULL: the parent's working directory
  char **argv;
  char **envp;
  int *moves; // pairs: from, to (dup2 in the child)
  size_t nmoves;
  int flags;
  pid_t pid;
  int error;
} spawn_job;

static void spawn_job_free(spawn_job *job) {
  free(job->file);
  free(job->cwd);
  free_strings(job->argv);
  free_strings(job->envp);
  free(job->moves);
  free(job);
}

// The moves in two steps through descriptors above every source and target, so a source that
// is also an earlier move's target is not overwritten before it is used, and no dup2 maps a
// descriptor onto itself (which would keep its close-on-exec flag).
static void add_moves(posix_spawn_file_actions_t *actions, const int *moves, size_t n) {
  int spare = 0;
  for (size_t i = 0; i < 2 * n; i++)
    if (moves[i] >= spare) spare = moves[i] + 1;
  for (size_t i = 0; i < n; i++) posix_spawn_file_actions_adddup2(actions, moves[2 * i], spare + (int)i);
  for (size_t i = 0; i < n; i++) posix_spawn_file_actions_adddup2(actions, spare + (int)i, moves[2 * i + 1]);
  for (size_t i = 0; i < n; i++) posix_spawn_file_actions_addclose(actions, spare + (int)i);
}

// posix_spawnp (glibc: clone with CLONE_VM|CLONE_VFORK, no copy of the parent's memory), every
// signal back to its default and none blocked, then chdir (supervise's ./run starts in its
// service directory: its host must not chdir itself) and the dup2 moves; PATH search as execvp
// (a FILE with a slash, `./run`, is taken as it is, relative to the new directory).
static void spawn_run(spawn_job *job) {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  short flags = 0;
  if (job->flags & SPAWN_SETSID) flags |= POSIX_SPAWN_SETSID;
  if (job->flags & SPAWN_SETPGROUP) flags |= POSIX_SPAWN_SETPGROUP;
  spawn_attr_init(&attr, flags);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawn_file_actions_init(&actions);
  // chdir first: the directory may be /proc/self/fd/N, whose N is a descriptor moved below.
  if (job->cwd) posix_spawn_file_actions_addchdir_np(&actions, job->cwd);
  add_moves(&actions, job->moves, job->nmoves);
  // A FILE with a slash needs no search: posix_spawn (posix_spawnp costs more even then).
  job->error = strchr(job->file, '/')
                   ? posix_spawn(&job->pid, job->file, &actions, &attr, job->argv, job->envp)
                   : posix_spawnp(&job->pid, job->file, &actions, &attr, job->argv, job->envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
}

static spawn_job *spawn_job_from(napi_env env, napi_value *argv) {
  spawn_job *job = calloc(1, sizeof *job);
  if (!job) return NULL;
  job->file = arg_string(env, argv[0]);
  job->argv = arg_strings(env, argv[1]);
  job->envp = arg_strings(env, argv[2]);
  uint32_t n = 0;
  napi_get_array_length(env, argv[3], &n);
  job->nmoves = n / 2;
  job->moves = calloc(n + 2, sizeof(int));
  for (uint32_t i = 0; i < n && job->moves; i++) {
    napi_value e;
    napi_get_element(env, argv[3], i, &e);
    job->moves[i] = arg_int(env, e);
  }
  job->flags = arg_int(env, argv[4]);
  napi_valuetype cwd_type = napi_undefined;
  napi_typeof(env, argv[5], &cwd_type);
  if (cwd_type == napi_string) job->cwd = arg_string(env, argv[5]);
  if (!job->file || !job->argv || !job->envp || !job->moves || (cwd_type == napi_string && !job->cwd)) {
    spawn_job_free(job);
    return NULL;
  }
  return job;
}

// spawn(file, argv[], envp[], moves[from, to, ...], flags, cwd or null) -> pid, or -errno.
static napi_value Spawn(napi_env env, napi_callback_info info) {
  ARGS(6);
  spawn_job *job = spawn_job_from(env, argv);
  if (!job) return int_value(env, -ENOMEM);
  spawn_run(job);
  int64_t r = job->error ? -job->error : job->pid;
  spawn_job_free(job);
  return int_value(env, r);
}

static void spawn_execute(napi_env env, void *data) {
  (void)env;
  spawn_run(data);
}

static void spawn_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  spawn_job *job = data;
  napi_ref callback = job->callback;
  int64_t result = job->error ? -job->error : job->pid;
  napi_delete_async_work(env, job->work);
  spawn_job_free(job);
  call_back(env, callback, result);
}

// spawnAsync(file, argv[], envp[], moves[], flags, cwd or null, callback(pid or -errno)): with
// CLONE_VFORK the caller waits until the child has exec'd; on the thread pool that wait is not
// the event loop's.
static napi_value SpawnAsync(napi_env env, napi_callback_info info) {
  ARGS(7);
  spawn_job *job = spawn_job_from(env, argv);
  if (!job) return int_value(env, -ENOMEM);
  napi_create_reference(env, argv[6], 1, &job->callback);
  queue_work(env, "fortress.spawn", spawn_execute, spawn_complete, job, &job->work);
  return int_value(env, 0);
}

#define EXPORT(name, fn)                                                                           \
  do {                                                                                             \
    napi_value f;                                                                                  \
    napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f);                               \
    napi_set_named_property(env, exports, name, f);                                                \
  } while (0)

NAPI_MODULE_INIT() {
  EXPORT("flock", Flock);
  EXPORT("setsid", Setsid);
  EXPORT("setpgid", Setpgid);
  EXPORT("getpgid", Getpgid);
  EXPORT("mkfifo", Mkfifo);
  EXPORT("chroot", Chroot);
  EXPORT("fcntl", Fcntl);
  EXPORT("prctl", Prctl);
  EXPORT("dup", Dup);
  EXPORT("dup2", Dup2);
  EXPORT("pipe2", Pipe2);
  EXPORT("setsockopt", Setsockopt);
  EXPORT("getsockopt", Getsockopt);
  EXPORT("socket", Socket);
  EXPORT("connect", Connect);
  EXPORT("getrlimit", Getrlimit);
  EXPORT("setrlimit", Setrlimit);
  EXPORT("resetSignal", ResetSignal);
  EXPORT("waitpid", Waitpid);
  EXPORT("zombieChildren", ZombieChildren);
  EXPORT("poll", Poll);
  EXPORT("pollAsync", PollAsync);
  EXPORT("spawn", Spawn);
  EXPORT("spawnAsync", SpawnAsync);
  return exports;
}
