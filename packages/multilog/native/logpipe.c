// multilog's system calls Node lacks, as a small Node-API addon.
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
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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

// A log host's socket (host.ts): an abstract AF_UNIX name ("\0" + name, no file to go stale),
// SOCK_SEQPACKET so each request arrives whole with its descriptors.
static int abstract_address(napi_env env, napi_value v, struct sockaddr_un *sun, socklen_t *len) {
  char *name = arg_string(env, v);
  if (name == NULL) return -EINVAL;
  size_t n = strlen(name);
  if (n == 0 || n + 1 > sizeof sun->sun_path) {
    free(name);
    return -ENAMETOOLONG;
  }
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  memcpy(sun->sun_path + 1, name, n);
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
  free(name);
  return 0;
}

// listenAbstract(name) -> a listening non-blocking socket, or -errno (EADDRINUSE: a host runs).
static napi_value ListenAbstract(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct sockaddr_un sun;
  socklen_t len;
  int r = abstract_address(env, argv[0], &sun, &len);
  if (r < 0) return int_value(env, r);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return int_value(env, -errno);
  if (bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 64) < 0) {
    int e = errno;
    close(fd);
    return int_value(env, -e);
  }
  return int_value(env, fd);
}

// acceptConnection(fd) -> a connection (non-blocking, close-on-exec), or -errno (EAGAIN: none waits).
static napi_value AcceptConnection(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fd = accept4(arg_int(env, argv[0]), NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return int_value(env, fd < 0 ? -errno : fd);
}

#define MAX_FDS 4

// receive(fd, buffer) -> [bytes, fd...] (the descriptors passed with the packet, close-on-exec),
// or -errno. Never blocks.
static napi_value Receive(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *data = NULL;
  size_t size = 0;
  if (napi_get_buffer_info(env, argv[1], &data, &size) != napi_ok) return int_value(env, -EINVAL);
  struct iovec iov = {data, size};
  union {
    char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  ssize_t n = recvmsg(arg_int(env, argv[0]), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0) return int_value(env, -errno);
  napi_value result;
  napi_create_array(env, &result);
  napi_set_element(env, result, 0, int_value(env, n));
  uint32_t k = 1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fds[MAX_FDS];
    memcpy(fds, CMSG_DATA(c), count * sizeof(int));
    for (size_t i = 0; i < count; i++) napi_set_element(env, result, k++, int_value(env, fds[i]));
  }
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "tee", NAPI_AUTO_LENGTH, Tee, NULL, &fn);
  napi_set_named_property(env, exports, "tee", fn);
  napi_create_function(env, "watchSignals", NAPI_AUTO_LENGTH, WatchSignals, NULL, &fn);
  napi_set_named_property(env, exports, "watchSignals", fn);
  napi_create_function(env, "listenAbstract", NAPI_AUTO_LENGTH, ListenAbstract, NULL, &fn);
  napi_set_named_property(env, exports, "listenAbstract", fn);
  napi_create_function(env, "acceptConnection", NAPI_AUTO_LENGTH, AcceptConnection, NULL, &fn);
  napi_set_named_property(env, exports, "acceptConnection", fn);
  napi_create_function(env, "receive", NAPI_AUTO_LENGTH, Receive, NULL, &fn);
  napi_set_named_property(env, exports, "receive", fn);
  return exports;
}
