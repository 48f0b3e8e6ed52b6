// The chain loaders' last step: become the next program, as a small Node-API addon.
//
// process.execve costs about 4 ms on its first call (it loads Node's worker-thread module to ask
// whether it runs in the main thread, and builds an ExperimentalWarning), a quarter of a link's
// budget (issue 5: 0.3 x a bare Node start); a failed call aborts Node 24; and the JavaScript it runs after softlimit has set its
// limits may need memory the limits no longer allow. Here everything is copied into C first, then
// the limits are set, the signals Node ignores are put back to their default action, stdio and
// the descriptors to keep lose close-on-exec, and execve(2) runs. descriptors() lists what is open
// in microseconds, where reading /proc/self/fd and fdinfo from JavaScript took 1-2 ms. Only the
// chain loaders' main thread calls these.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "napi-args.h"

struct limit {
  int resource;
  struct rlimit value;
};

// [resource, soft, hard, ...] (soft and hard as bigints) as a malloc'd array; count in *n.
static struct limit *limit_list(napi_env env, napi_value array, uint32_t *n) {
  uint32_t length = 0;
  if (napi_get_array_length(env, array, &length) != napi_ok || length % 3 != 0) return NULL;
  *n = length / 3;
  struct limit *list = calloc(*n + 1, sizeof *list);
  if (list == NULL) return NULL;
  for (uint32_t i = 0; i < *n; i++) {
    napi_value resource, soft, hard;
    bool lossless = false;
    uint64_t cur = 0, max = 0;
    if (napi_get_element(env, array, 3 * i, &resource) != napi_ok ||
        napi_get_element(env, array, 3 * i + 1, &soft) != napi_ok ||
        napi_get_element(env, array, 3 * i + 2, &hard) != napi_ok ||
        napi_get_value_int32(env, resource, &list[i].resource) != napi_ok ||
        napi_get_value_bigint_uint64(env, soft, &cur, &lossless) != napi_ok ||
        napi_get_value_bigint_uint64(env, hard, &max, &lossless) != napi_ok) {
      free(list);
      return NULL;
    }
    list[i].value.rlim_cur = cur;
    list[i].value.rlim_max = max;
  }
  return list;
}

// A string or a Buffer as a malloc'd C string (a Buffer's bytes as they are: environment
// entries from envdir are bytes, not text), or NULL.
static char *arg_bytes(napi_env env, napi_value v) {
  bool is_buffer = false;
  if (napi_is_buffer(env, v, &is_buffer) != napi_ok || !is_buffer) return arg_string(env, v);
  void *data = NULL;
  size_t length = 0;
  if (napi_get_buffer_info(env, v, &data, &length) != napi_ok) return NULL;
  char *s = malloc(length + 1);
  if (s == NULL) return NULL;
  memcpy(s, data, length);
  s[length] = '\0';
  return s;
}

// A JS array of strings or Buffers as a NULL-terminated malloc'd vector, or NULL.
static char **arg_byte_strings(napi_env env, napi_value v) {
  return arg_list(env, v, arg_bytes);
}

// [fd, ...] as a malloc'd array of ints (at least one element); count in *n.
static int *int_list(napi_env env, napi_value array, uint32_t *n) {
  if (napi_get_array_length(env, array, n) != napi_ok) return NULL;
  int *list = calloc(*n + 1, sizeof *list);
  if (list == NULL) return NULL;
  for (uint32_t i = 0; i < *n; i++) {
    napi_value item;
    if (napi_get_element(env, array, i, &item) != napi_ok || napi_get_value_int32(env, item, &list[i]) != napi_ok) {
      free(list);
      return NULL;
    }
  }
  return list;
}

// What failed: { syscall, errno }.
static napi_value failure(napi_env env, const char *syscall, int error) {
  napi_value object, name, number;
  napi_create_object(env, &object);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &name);
  napi_create_int32(env, error, &number);
  napi_set_named_property(env, object, "syscall", name);
  napi_set_named_property(env, object, "errno", number);
  return object;
}

// execve(file, argv, envp, limits, keep) (envp entries strings or Buffers): sets each soft limit of `limits` ([resource, soft, hard,
// ...]), resets SIGPIPE and SIGXFSZ to SIG_DFL, clears close-on-exec on fds 0-2 and on each fd of
// `keep`, then execve(2). Returns only on failure: { syscall: 'setrlimit' | 'execve', errno }, with
// the signals and the descriptor flags as they were (limits already set stay set).
static napi_value Execve(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 5)
    return failure(env, "execve", EINVAL);
  char *file = arg_string(env, args[0]);
  char **argv = arg_strings(env, args[1]);
  char **envp = arg_byte_strings(env, args[2]);
  uint32_t nlimits = 0;
  struct limit *limits = limit_list(env, args[3], &nlimits);
  uint32_t nkeep = 0;
  int *keep = int_list(env, args[4], &nkeep);
  int *fd_flags = keep == NULL ? NULL : calloc(nkeep + 3, sizeof *fd_flags);
  // A bad argument (or no memory to copy it): EINVAL from "execve", and nothing changed.
  bool ready = file != NULL && argv != NULL && envp != NULL && limits != NULL && keep != NULL && fd_flags != NULL;
  const char *syscall = ready ? "setrlimit" : "execve";
  int error = ready ? 0 : EINVAL;
  for (uint32_t i = 0; ready && i < nlimits && error == 0; i++) {
    if (setrlimit(limits[i].resource, &limits[i].value) < 0) error = errno;
  }
  if (ready && error == 0) {
    struct sigaction pipe_action, xfsz_action, default_action = {.sa_handler = SIG_DFL};
    sigemptyset(&default_action.sa_mask);
    sigaction(SIGPIPE, &default_action, &pipe_action);
    sigaction(SIGXFSZ, &default_action, &xfsz_action);
    // Descriptors 0, 1, 2, then those of `keep`; a flag of -1 (closed) or 0 (no close-on-exec)
    // needs nothing done, and nothing undone.
    for (uint32_t i = 0; i < nkeep + 3; i++) {
      int fd = i < 3 ? (int)i : keep[i - 3];
      fd_flags[i] = fcntl(fd, F_GETFD);
      if (fd_flags[i] > 0) fcntl(fd, F_SETFD, fd_flags[i] & ~FD_CLOEXEC);
    }
    execve(file, argv, envp);
    syscall = "execve";
    error = errno;
    for (uint32_t i = 0; i < nkeep + 3; i++) {
      if (fd_flags[i] > 0) fcntl(i < 3 ? (int)i : keep[i - 3], F_SETFD, fd_flags[i]);
    }
    sigaction(SIGPIPE, &pipe_action, NULL);
    sigaction(SIGXFSZ, &xfsz_action, NULL);
  }
  free(file);
  free_strings(argv);
  free_strings(envp);
  free(limits);
  free(keep);
  free(fd_flags);
  return failure(env, syscall, error);
}

// descriptors() -> [fd, target, flags, ...] for each open descriptor from 3 up: target as
// readlink(2) gives it under /proc/self/fd (`pipe:[123]`, `anon_inode:[eventpoll]`, a path), flags
// as /proc/self/fdinfo shows them (the F_GETFL flags, plus O_CLOEXEC when close-on-exec is set).
// -errno when /proc/self/fd cannot be read.
static napi_value Descriptors(napi_env env, napi_callback_info info) {
  (void)info;
  DIR *dir = opendir("/proc/self/fd");
  if (dir == NULL) {
    napi_value r;
    napi_create_int32(env, -errno, &r);
    return r;
  }
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    int fd = atoi(entry->d_name);
    if (entry->d_name[0] == '.' || fd < 3 || fd == dirfd(dir)) continue;
    char target[4096];
    ssize_t length = readlinkat(dirfd(dir), entry->d_name, target, sizeof target);
    int status = fcntl(fd, F_GETFL);
    int fd_flags = fcntl(fd, F_GETFD);
    if (length < 0 || status < 0 || fd_flags < 0) continue;  // closed meanwhile
    napi_value number, name, flags;
    napi_create_int32(env, fd, &number);
    napi_create_string_utf8(env, target, (size_t)length, &name);
    napi_create_int32(env, status | ((fd_flags & FD_CLOEXEC) ? O_CLOEXEC : 0), &flags);
    napi_set_element(env, list, n++, number);
    napi_set_element(env, list, n++, name);
    napi_set_element(env, list, n++, flags);
  }
  closedir(dir);
  return list;
}

extern char **environ;

// environ() -> [Buffer, ...]: the environment this process was started with, as bytes (Node's
// process.env holds it decoded as UTF-8, which changes bytes that are not valid UTF-8).
static napi_value Environ(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value list;
  napi_create_array(env, &list);
  uint32_t n = 0;
  for (char **e = environ; e != NULL && *e != NULL; e++) {
    napi_value entry;
    if (napi_create_buffer_copy(env, strlen(*e), *e, NULL, &entry) != napi_ok) continue;
    napi_set_element(env, list, n++, entry);
  }
  return list;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "execve", NAPI_AUTO_LENGTH, Execve, NULL, &fn);
  napi_set_named_property(env, exports, "execve", fn);
  napi_create_function(env, "descriptors", NAPI_AUTO_LENGTH, Descriptors, NULL, &fn);
  napi_set_named_property(env, exports, "descriptors", fn);
  napi_create_function(env, "environ", NAPI_AUTO_LENGTH, Environ, NULL, &fn);
  napi_set_named_property(env, exports, "environ", fn);
  return exports;
}
