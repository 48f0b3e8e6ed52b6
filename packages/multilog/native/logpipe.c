// multilog's two system calls Node lacks, as a small Node-API addon.
//
// tee(2) copies what waits in the input pipe into a private pipe without taking it out of the
// input, so multilog can write lines to disk first and only then take them out of the pipe: a
// logger killed in between leaves them for the next one instead of losing them.
//
// Signals reach multilog through a self-pipe: the handler writes the signal's number into it.
// multilog's waits (for input, and the 5-second pauses after a failed write) poll that pipe, so a
// SIGTERM ends a pause at once, where Node's own handlers run only when the event loop turns.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "napi-args.h"

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  int saved = errno;
  unsigned char byte = (unsigned char)sig;
  (void)!write(signal_pipe[1], &byte, 1);  // a full pipe already says a signal came
  errno = saved;
}

// tee(fdIn, fdOut, length) -> bytes copied, 0 at end of input, or -errno. Never blocks.
static napi_value Tee(napi_env env, napi_callback_info info) {
  ARGS(3);
  ssize_t n = tee(arg_int(env, argv[0]), arg_int(env, argv[1]), (size_t)arg_int(env, argv[2]),
                  SPLICE_F_NONBLOCK);
  return int_value(env, n < 0 ? -errno : n);
}

// watchSignals([SIG, ...]) -> the read end of the signal pipe (non-blocking), or -errno. Each
// signal listed then writes its number into the pipe instead of taking its default action.
static napi_value WatchSignals(napi_env env, napi_callback_info info) {
  ARGS(1);
  if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_NONBLOCK | O_CLOEXEC) < 0) return int_value(env, -errno);
  uint32_t n = 0;
  if (napi_get_array_length(env, argv[0], &n) != napi_ok) return int_value(env, -EINVAL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    if (napi_get_element(env, argv[0], i, &e) != napi_ok) return int_value(env, -EINVAL);
    if (sigaction(arg_int(env, e), &sa, NULL) < 0) return int_value(env, -errno);
  }
  return int_value(env, signal_pipe[0]);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "tee", NAPI_AUTO_LENGTH, Tee, NULL, &fn);
  napi_set_named_property(env, exports, "tee", fn);
  napi_create_function(env, "watchSignals", NAPI_AUTO_LENGTH, WatchSignals, NULL, &fn);
  napi_set_named_property(env, exports, "watchSignals", fn);
  return exports;
}
