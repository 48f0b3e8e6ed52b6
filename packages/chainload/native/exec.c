// The chain loaders' last step: become the next program, as a small Node-API addon.
//
// process.execve costs about 4 ms on its first call (it loads Node's worker-thread module to ask
// whether it runs in the main thread, and builds an ExperimentalWarning), a tenth of a whole link's
// budget; a failed call aborts Node 24; and the JavaScript it runs after softlimit has set its
// limits may need memory the limits no longer allow. Here everything is copied into C first, then
// the limits are set, the signals Node ignores are put back to their default action, stdio is
// kept open across the exec, and execve(2) runs. Only the chain loaders' main thread calls this.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <node_api.h>

// A JS string as a malloc'd C string, or NULL (not a string, or out of memory).
static char *copy_string(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *s = malloc(length + 1);
  if (s != NULL && napi_get_value_string_utf8(env, value, s, length + 1, &length) != napi_ok) {
    free(s);
    return NULL;
  }
  return s;
}

static void free_vector(char **vector);

// A JS array of strings as a NULL-terminated malloc'd vector, or NULL (not an array of strings, or
// out of memory).
static char **string_vector(napi_env env, napi_value array) {
  uint32_t n = 0;
  if (napi_get_array_length(env, array, &n) != napi_ok) return NULL;
  char **vector = calloc((size_t)n + 1, sizeof *vector);
  if (vector == NULL) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    if (napi_get_element(env, array, i, &item) != napi_ok || (vector[i] = copy_string(env, item)) == NULL) {
      free_vector(vector);
      return NULL;
    }
  }
  return vector;
}

static void free_vector(char **vector) {
  if (vector == NULL) return;
  for (char **s = vector; *s != NULL; s++) free(*s);
  free(vector);
}

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

// execve(file, argv, envp, limits): sets each soft limit of `limits` ([resource, soft, hard, ...]),
// resets SIGPIPE and SIGXFSZ to SIG_DFL, clears close-on-exec on fds 0-2, then execve(2). Returns
// only on failure: { syscall: 'setrlimit' | 'execve', errno }, with the signals and the stdio flags
// as they were (limits already set stay set).
static napi_value Execve(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 4)
    return failure(env, "execve", EINVAL);
  char *file = copy_string(env, args[0]);
  char **argv = string_vector(env, args[1]);
  char **envp = string_vector(env, args[2]);
  uint32_t nlimits = 0;
  struct limit *limits = limit_list(env, args[3], &nlimits);
  if (file == NULL || argv == NULL || envp == NULL || limits == NULL) {
    free(file);
    free_vector(argv);
    free_vector(envp);
    free(limits);
    return failure(env, "execve", EINVAL);
  }

  const char *syscall = "setrlimit";
  int error = 0;
  for (uint32_t i = 0; i < nlimits && error == 0; i++) {
    if (setrlimit(limits[i].resource, &limits[i].value) < 0) error = errno;
  }
  if (error == 0) {
    int fd_flags[3];
    struct sigaction pipe_action, xfsz_action, default_action = {.sa_handler = SIG_DFL};
    sigemptyset(&default_action.sa_mask);
    sigaction(SIGPIPE, &default_action, &pipe_action);
    sigaction(SIGXFSZ, &default_action, &xfsz_action);
    for (int fd = 0; fd < 3; fd++) {
      fd_flags[fd] = fcntl(fd, F_GETFD);
      if (fd_flags[fd] > 0) fcntl(fd, F_SETFD, fd_flags[fd] & ~FD_CLOEXEC);
    }
    execve(file, argv, envp);
    syscall = "execve";
    error = errno;
    for (int fd = 0; fd < 3; fd++) {
      if (fd_flags[fd] > 0) fcntl(fd, F_SETFD, fd_flags[fd]);
    }
    sigaction(SIGPIPE, &pipe_action, NULL);
    sigaction(SIGXFSZ, &xfsz_action, NULL);
  }
  free(file);
  free_vector(argv);
  free_vector(envp);
  free(limits);
  return failure(env, syscall, error);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "execve", NAPI_AUTO_LENGTH, Execve, NULL, &fn);
  napi_set_named_property(env, exports, "execve", fn);
  return exports;
}
