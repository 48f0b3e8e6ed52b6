// supervise's NOTIFY_SOCKET (systemd's sd_notify protocol): an AF_UNIX datagram socket that
// receives each sender's credentials (SO_PASSCRED, SCM_CREDENTIALS), watched on Node's own loop
// through a uv_poll handle, so a datagram costs one JS call and no thread.
//   open(path)                  -> fd | -errno   (path "@name": Linux's abstract namespace)
//   watch(fd, buffer, callback) -> handle        callback(length, pid) once per datagram, its
//                                                bytes in buffer; length -1: it did not fit
//   close(handle)                                stops watching and closes the socket
// Descriptors a sender passes (SCM_RIGHTS: sd_notify's BARRIER=1, FDSTORE=1) are closed at once:
// supervise keeps none, and closing them is what a barrier waits for.
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fd-watch.h"

// Datagrams read per wake-up of the loop, so a flood cannot starve the rest of supervise.
#define BATCH 16
// Room for the credentials and up to 32 passed descriptors; the kernel drops what does not fit.
#define CONTROL_BYTES (CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(32 * sizeof(int)))

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_ref buffer_ref; // keeps the buffer alive while C writes into it
  napi_async_context async;
  int fd;
  uint8_t *buffer;
  size_t size;
  int closed;       // close() was called
  int handle_gone;  // libuv is done with the poll handle
  int finalized;    // JS no longer holds the handle
} notify_t;

// open(path): a non-blocking, close-on-exec datagram socket bound to PATH (a file, replaced if
// one is there; "@name" binds name in the abstract namespace), with SO_PASSCRED on.
static napi_value Open(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *path = arg_string(env, argv[0]);
  if (path == NULL) return int_value(env, -EINVAL);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  size_t len = strlen(path);
  int abstract = path[0] == '@';
  // A file path needs its NUL inside sun_path; an abstract name is counted, not terminated.
  if (len == 0 || len > sizeof sa.sun_path - (abstract ? 0 : 1)) {
    free(path);
    return int_value(env, -ENAMETOOLONG);
  }
  memcpy(sa.sun_path, path, len);
  if (abstract) sa.sun_path[0] = 0;
  else unlink(path);
  free(path);
  socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (abstract ? 0 : 1));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return int_value(env, -errno);
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 || bind(fd, (struct sockaddr *)&sa, salen) < 0) {
    int e = errno;
    close(fd);
    return int_value(env, -e);
  }
  return int_value(env, fd);
}

// The sender's pid from the control messages (0 if none came); every passed descriptor closed.
static int32_t sender_and_close_fds(struct msghdr *msg) {
  int32_t pid = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
      struct ucred cred;
      memcpy(&cred, CMSG_DATA(c), sizeof cred);
      pid = cred.pid;
    } else if (c->cmsg_type == SCM_RIGHTS) {
      size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < n; i++) {
        int passed;
        memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof passed);
        close(passed);
      }
    }
  }
  return pid;
}

static void deliver(notify_t *w, int32_t length, int32_t pid) {
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, args[2], res;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &recv);
  napi_create_int32(env, length, &args[0]);
  napi_create_int32(env, pid, &args[1]);
  if (napi_make_callback(env, w->async, recv, cb, 2, args, &res) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  (void)events;
  notify_t *w = handle->data;
  if (status < 0) return;
  for (int round = 0; round < BATCH && !w->closed; round++) {
    union {
      struct cmsghdr align;
      char bytes[CONTROL_BYTES];
    } control;
    struct iovec iov = {w->buffer, w->size};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    ssize_t r = recvmsg(w->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (r < 0) return; // EAGAIN: all read (a socket error has no meaning for a bound datagram socket)
    int32_t pid = sender_and_close_fds(&msg);
    deliver(w, msg.msg_flags & MSG_TRUNC ? -1 : (int32_t)r, pid);
  }
}

// Freed once both libuv and JS are done with it: a second close() of a closed handle is harmless.
static void on_closed(uv_handle_t *handle) {
  notify_t *w = handle->data;
  napi_delete_reference(w->env, w->callback);
  napi_delete_reference(w->env, w->buffer_ref);
  napi_async_destroy(w->env, w->async);
  w->handle_gone = 1;
  if (w->finalized) free(w);
}

static void on_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  notify_t *w = data;
  w->finalized = 1;
  if (w->handle_gone) free(w);
}

// watch(fd, buffer, callback): an external handle; datagrams go into buffer, one callback each.
static napi_value Watch(napi_env env, napi_callback_info info) {
  ARGS(3);
  int fd = arg_int(env, argv[0]);
  void *data = NULL;
  size_t size = 0;
  napi_valuetype type;
  napi_typeof(env, argv[2], &type);
  if (fd < 0 || napi_get_buffer_info(env, argv[1], &data, &size) != napi_ok || size == 0 || type != napi_function) {
    napi_throw_type_error(env, NULL, "notify: watch(fd, buffer, callback)");
    return NULL;
  }
  notify_t *w = calloc(1, sizeof *w);
  if (w == NULL) return int_value(env, -ENOMEM);
  w->env = env;
  w->fd = fd;
  w->buffer = data;
  w->size = size;
  napi_create_reference(env, argv[2], 1, &w->callback);
  napi_create_reference(env, argv[1], 1, &w->buffer_ref);
  napi_value name;
  napi_create_string_utf8(env, "supervise-notify", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->async);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int r = uv_poll_init(loop, &w->poll, fd);
  if (r < 0) {
    napi_delete_reference(env, w->callback);
    napi_delete_reference(env, w->buffer_ref);
    napi_async_destroy(env, w->async);
    free(w);
    return int_value(env, r); // libuv's errors are -errno on Linux
  }
  w->poll.data = w;
  uv_poll_start(&w->poll, UV_READABLE, on_poll);
  napi_value ext;
  napi_create_external(env, w, on_finalize, NULL, &ext);
  return ext;
}

// close(handle): stops watching and closes the socket (once; later calls do nothing).
static napi_value Close(napi_env env, napi_callback_info info) {
  ARGS(1);
  void *p = NULL;
  if (napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL) return int_value(env, -EINVAL);
  notify_t *w = p;
  end_fd_watch(&w->poll, w->fd, &w->closed, on_closed);
  return int_value(env, 0);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
      {"watch", NULL, Watch, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
      {"closeFd", NULL, CloseFd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
