// dnscache's UDP I/O in batches (README, "I/O path"): Node's dgram costs a JS callback, a
// Buffer and an address object per datagram, more than a whole cache hit. Here one readiness
// event on the loop reads up to a batch of datagrams with recvmmsg(2) into one preallocated
// buffer, calls JS once with their count, and answers go out with one sendmmsg(2).
//
// Two kinds of watched handles:
//  - a listener: one bound socket; datagrams land in slots of rx, their lengths and sources in
//    meta; `send` sends slots of tx to the addresses in their meta entries.
//  - an upstream set: an epoll set of connected sockets, one per upstream question, each bound
//    to its own (random, caller-chosen) source port; `ask` creates, binds, connects, registers
//    and sends; one readiness of the epoll fd reads one datagram from each ready socket.
//
// Meta entry (32 bytes, native-endian int32s): [0] length (-errno on a socket error, -1 when
// the datagram did not fit its slot), [1] source port, [2] family (4 or 6), [3] token (the
// upstream socket's caller token); bytes 16..31 the source address in network order.
// Functions return -errno on failure, as packages/core's libc addon does. The message arrays are
// static: the addon serves the main thread's loop only (dnscache has no workers).
//
// socket(2) and close(2) of the per-question sockets are a seventh of a cache miss's CPU on
// the thread that runs JS: a helper thread keeps a pool of fresh, unbound sockets and closes
// the forgotten ones. Each socket still serves one question only; the source port is chosen
// by the caller and bound when the question is asked.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fd-watch.h"

#define MAXBATCH 256
#define META 32

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_ref rx_ref, meta_ref; // keep the buffers alive while C writes into them
  napi_async_context async;
  int fd;        // the listener socket, or the epoll fd of an upstream set
  int upstream;  // 1 for an upstream set
  uint8_t *rx;   // slots of slot_size bytes
  int32_t *meta; // META bytes per slot
  unsigned slots, slot_size;
  int closed;
} watch_t;

// The bytes of a Buffer or typed array argument (NULL if it is neither).
static uint8_t *arg_bytes(napi_env env, napi_value v, size_t *len) {
  void *data = NULL;
  size_t n = 0;
  bool is;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    napi_value ab;
    size_t offset;
    if (napi_get_typedarray_info(env, v, &type, &n, &data, &ab, &offset) != napi_ok) return NULL;
    if (type != napi_uint8_array) return NULL;
  } else if (napi_get_buffer_info(env, v, &data, &n) != napi_ok)
    return NULL;
  if (len) *len = n;
  return data;
}

// The helper thread's work: POOL fresh sockets at most, refilled when fewer than POOL/2 are
// left; forgotten sockets closed in batches of CLOSE_BATCH (each stays registered and readable
// meanwhile, but its token is no longer wanted).
#define POOL 64
#define CLOSE_BATCH 8
#define CLOSEQ 256
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t helper_wake = PTHREAD_COND_INITIALIZER;
static int helper_started, helper_signalled;
static int pool[POOL], pooled;
static int closeq[CLOSEQ], closing;

static int helper_has_work(void) { return closing >= CLOSE_BATCH || pooled < POOL / 2; }

static void *helper_main(void *unused) {
  (void)unused;
  int to_close[CLOSEQ], fresh[POOL];
  pthread_mutex_lock(&helper_lock);
  for (;;) {
    while (!helper_has_work()) {
      helper_signalled = 0;
      pthread_cond_wait(&helper_wake, &helper_lock);
    }
    int n = closing, want = POOL - pooled;
    memcpy(to_close, closeq, sizeof(int) * n);
    closing = 0;
    pthread_mutex_unlock(&helper_lock);
    for (int i = 0; i < n; i++) close(to_close[i]);
    int made = 0;
    while (made < want) {
      int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) break;
      fresh[made++] = fd;
    }
    pthread_mutex_lock(&helper_lock);
    for (int i = 0; i < made; i++) pool[pooled++] = fresh[i];
    // Out of descriptors: wait for closes rather than spin (the caller makes its own meanwhile).
    if (made < want && closing < CLOSE_BATCH) {
      helper_signalled = 0;
      pthread_cond_wait(&helper_wake, &helper_lock);
    }
  }
  return NULL;
}

// Called with helper_lock held: wakes the helper once per round of work.
static void helper_poke(void) {
  if (helper_started && !helper_signalled && helper_has_work()) {
    helper_signalled = 1;
    pthread_cond_signal(&helper_wake);
  }
}

static void helper_start(void) {
  if (helper_started) return;
  // Signals stay with the main thread: the helper blocks them all.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024 + sizeof(int) * (CLOSEQ + POOL));
  if (pthread_create(&t, &attr, helper_main, NULL) == 0) helper_started = 1;
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

// A fresh socket for one question: from the pool, or made here when the pool is empty.
static int fresh_socket(void) {
  int fd = -1;
  pthread_mutex_lock(&helper_lock);
  if (pooled > 0) fd = pool[--pooled];
  helper_poke();
  pthread_mutex_unlock(&helper_lock);
  if (fd >= 0) return fd;
  return socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

// Closes a question's socket, through the helper when it runs and its queue has room.
static int release_socket(int fd) {
  pthread_mutex_lock(&helper_lock);
  int queued = helper_started && closing < CLOSEQ;
  if (queued) closeq[closing++] = fd;
  helper_poke();
  pthread_mutex_unlock(&helper_lock);
  if (queued) return 0;
  return close(fd) < 0 ? -errno : 0;
}

// Fills a sockaddr from family 4/6, address bytes and port; returns its length.
static socklen_t make_addr(struct sockaddr_storage *sa, int family, const uint8_t *ip, int port) {
  memset(sa, 0, sizeof *sa);
  if (family == 6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    memcpy(&s6->sin6_addr, ip, 16);
    return sizeof *s6;
  }
  struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
  s4->sin_family = AF_INET;
  s4->sin_port = htons(port);
  memcpy(&s4->sin_addr, ip, 4);
  return sizeof *s4;
}

// Stores a datagram's source in a meta entry.
static void put_source(int32_t *m, const struct sockaddr_storage *sa) {
  uint8_t *ip = (uint8_t *)(m + 4);
  if (sa->ss_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    m[1] = ntohs(s6->sin6_port);
    m[2] = 6;
    memcpy(ip, &s6->sin6_addr, 16);
  } else {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    m[1] = ntohs(s4->sin_port);
    m[2] = 4;
    memcpy(ip, &s4->sin_addr, 4);
    memset(ip + 4, 0, 12);
  }
}

// bind(family, address, port, receiveBuffer): a non-blocking, close-on-exec UDP socket with
// SO_REUSEADDR bound to address:port; receiveBuffer > 0 asks for that SO_RCVBUF. An IPv6
// socket also takes IPv4 clients (as ::ffff:a.b.c.d), as Node's udp6 sockets do.
static napi_value Bind(napi_env env, napi_callback_info info) {
  ARGS(4);
  int family = arg_int(env, argv[0]);
  uint8_t *ip = arg_bytes(env, argv[1], NULL);
  int port = arg_int(env, argv[2]);
  int rcvbuf = arg_int(env, argv[3]);
  if (!ip) return int_value(env, -EINVAL);
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return int_value(env, -errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_storage sa;
  socklen_t salen = make_addr(&sa, family, ip, port);
  if (bind(fd, (struct sockaddr *)&sa, salen) < 0) {
    int e = errno;
    close(fd);
    return int_value(env, -e);
  }
  return int_value(env, fd);
}

// Calls the JS callback with the number of datagrams in the slots.
static void deliver(watch_t *w, int count) {
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, arg, res;
  napi_get_reference_value(env, w->callback, &cb);
  napi_get_global(env, &recv);
  napi_create_int32(env, count, &arg);
  if (napi_make_callback(env, w->async, recv, cb, 1, &arg, &res) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

// A listener is readable: up to 8 batches per wake-up, then other handles get their turn.
static void listener_ready(watch_t *w) {
  static struct mmsghdr msgs[MAXBATCH];
  static struct iovec iov[MAXBATCH];
  static struct sockaddr_storage from[MAXBATCH];
  for (int round = 0; round < 8 && !w->closed; round++) {
    for (unsigned i = 0; i < w->slots; i++) {
      iov[i].iov_base = w->rx + (size_t)i * w->slot_size;
      iov[i].iov_len = w->slot_size;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(w->fd, msgs, w->slots, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) {
      int32_t *m = w->meta + (size_t)i * (META / 4);
      m[0] = msgs[i].msg_hdr.msg_flags & MSG_TRUNC ? -1 : (int32_t)msgs[i].msg_len;
      m[3] = 0;
      put_source(m, &from[i]);
    }
    deliver(w, n);
    if ((unsigned)n < w->slots) return;
  }
}

// The epoll set is readable: one datagram (or pending error) from each ready socket.
static void upstream_ready(watch_t *w) {
  static struct epoll_event ev[MAXBATCH];
  int n = epoll_wait(w->fd, ev, w->slots, 0);
  if (n <= 0) return;
  for (int i = 0; i < n; i++) {
    int fd = (int)(ev[i].data.u64 & 0xffffffff);
    int32_t *m = w->meta + (size_t)i * (META / 4);
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    memset(&from, 0, sizeof from);
    ssize_t r = recvfrom(fd, w->rx + (size_t)i * w->slot_size, w->slot_size, MSG_DONTWAIT | MSG_TRUNC,
                         (struct sockaddr *)&from, &fromlen);
    m[3] = (int32_t)(ev[i].data.u64 >> 32);
    if (r < 0) {
      m[0] = -errno;
      m[1] = m[2] = 0;
      continue;
    }
    m[0] = r > (ssize_t)w->slot_size ? -1 : (int32_t)r;
    put_source(m, &from);
  }
  deliver(w, n);
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  (void)events;
  watch_t *w = handle->data;
  if (status < 0 || w->closed) return;
  if (w->upstream)
    upstream_ready(w);
  else
    listener_ready(w);
}

static void on_closed(uv_handle_t *handle) {
  watch_t *w = handle->data;
  napi_delete_reference(w->env, w->callback);
  napi_delete_reference(w->env, w->rx_ref);
  napi_delete_reference(w->env, w->meta_ref);
  napi_async_destroy(w->env, w->async);
  free(w);
}

// Shared by listen and upstream: a = (rx, meta, slots, slotSize, callback); fd < 0 makes an
// upstream set (a new epoll fd). Returns an external handle.
static napi_value start_watch(napi_env env, napi_value *a, int fd) {
  int upstream = fd < 0;
  size_t rxlen = 0, metalen = 0;
  uint8_t *rx = arg_bytes(env, a[0], &rxlen);
  uint8_t *meta = arg_bytes(env, a[1], &metalen);
  int32_t slots = arg_int(env, a[2]);
  int32_t slot_size = arg_int(env, a[3]);
  if (!rx || !meta || slots < 1 || slots > MAXBATCH || slot_size < 1 || (size_t)slots * slot_size > rxlen ||
      (size_t)slots * META > metalen || ((uintptr_t)meta & 3)) {
    napi_throw_range_error(env, NULL, "udp: bad buffers");
    return NULL;
  }
  if (upstream) {
    fd = epoll_create1(EPOLL_CLOEXEC);
    helper_start();
  }
  if (fd < 0) return int_value(env, -errno);
  watch_t *w = calloc(1, sizeof *w);
  w->env = env;
  w->fd = fd;
  w->upstream = upstream;
  w->rx = rx;
  w->meta = (int32_t *)meta;
  w->slots = slots;
  w->slot_size = slot_size;
  napi_create_reference(env, a[4], 1, &w->callback);
  napi_create_reference(env, a[0], 1, &w->rx_ref);
  napi_create_reference(env, a[1], 1, &w->meta_ref);
  napi_value name;
  napi_create_string_utf8(env, "dnscache-udp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &w->async);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &w->poll, fd);
  w->poll.data = w;
  uv_poll_start(&w->poll, UV_READABLE, on_poll);
  napi_value ext;
  napi_create_external(env, w, NULL, NULL, &ext);
  return ext;
}

static watch_t *arg_watch(napi_env env, napi_value v) {
  void *p = NULL;
  napi_get_value_external(env, v, &p);
  return p;
}

// listen(fd, rx, meta, slots, slotSize, callback): watches a bound socket.
static napi_value Listen(napi_env env, napi_callback_info info) {
  ARGS(6);
  int fd = arg_int(env, argv[0]);
  if (fd < 0) return int_value(env, -EBADF);
  return start_watch(env, argv + 1, fd);
}

// upstream(rx, meta, slots, slotSize, callback): a new, empty set of upstream sockets.
static napi_value Upstream(napi_env env, napi_callback_info info) {
  ARGS(5);
  return start_watch(env, argv, -1);
}

// send(handle, tx, meta, count, slotSize): sends slot i of tx (meta[0] bytes) to meta's
// address; returns how many went out (the rest are dropped, as a full socket buffer drops).
static napi_value Send(napi_env env, napi_callback_info info) {
  ARGS(5);
  static struct mmsghdr msgs[MAXBATCH];
  static struct iovec iov[MAXBATCH];
  static struct sockaddr_storage to[MAXBATCH];
  watch_t *w = arg_watch(env, argv[0]);
  size_t txlen = 0, metalen = 0;
  uint8_t *tx = arg_bytes(env, argv[1], &txlen);
  int32_t *meta = (int32_t *)arg_bytes(env, argv[2], &metalen);
  int32_t count = arg_int(env, argv[3]);
  int32_t slot_size = arg_int(env, argv[4]);
  if (!w || w->closed || !tx || !meta || count < 0 || count > MAXBATCH || (size_t)count * slot_size > txlen ||
      (size_t)count * META > metalen)
    return int_value(env, -EINVAL);
  for (int i = 0; i < count; i++) {
    int32_t *m = meta + (size_t)i * (META / 4);
    iov[i].iov_base = tx + (size_t)i * slot_size;
    iov[i].iov_len = m[0] < 0 || m[0] > slot_size ? 0 : m[0];
    memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &to[i];
    msgs[i].msg_hdr.msg_namelen = make_addr(&to[i], m[2], (uint8_t *)(m + 4), m[1]);
  }
  int sent = 0;
  while (sent < count) {
    int r = sendmmsg(w->fd, msgs + sent, count - sent, MSG_DONTWAIT);
    if (r > 0) {
      sent += r;
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno != EAGAIN) {
      sent++; // this one datagram failed (say, an unreachable address): skip it
      continue;
    }
    break;
  }
  return int_value(env, sent);
}

// ask(handle, token, local, localPort, servers, at, query, length): a UDP socket bound to
// local:localPort, connected to port 53 of the IPv4 address at servers[at..at+3] (the caller's
// list of servers, so that no view of it is made per question), watched in the set under token, with the
// question sent; returns its fd. -EADDRINUSE means: try another port.
static napi_value Ask(napi_env env, napi_callback_info info) {
  ARGS(8);
  watch_t *w = arg_watch(env, argv[0]);
  int32_t token = arg_int(env, argv[1]);
  uint8_t *local = arg_bytes(env, argv[2], NULL);
  int port = arg_int(env, argv[3]);
  size_t slen = 0;
  uint8_t *servers = arg_bytes(env, argv[4], &slen);
  int32_t at = arg_int(env, argv[5]);
  size_t qlen = 0;
  uint8_t *query = arg_bytes(env, argv[6], &qlen);
  int32_t len = arg_int(env, argv[7]);
  if (!w || w->closed || !w->upstream || !local || !servers || at < 0 || (size_t)at + 4 > slen || !query || len < 0 ||
      (size_t)len > qlen)
    return int_value(env, -EINVAL);
  uint8_t *server = servers + at;
  int fd = fresh_socket();
  if (fd < 0) return int_value(env, -errno);
  struct sockaddr_storage sa;
  socklen_t salen = make_addr(&sa, 4, local, port);
  int e = 0;
  if (bind(fd, (struct sockaddr *)&sa, salen) < 0) goto fail;
  salen = make_addr(&sa, 4, server, 53);
  if (connect(fd, (struct sockaddr *)&sa, salen) < 0) goto fail;
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ((uint64_t)(uint32_t)token << 32) | (uint32_t)fd};
  if (epoll_ctl(w->fd, EPOLL_CTL_ADD, fd, &ev) < 0) goto fail;
  // A refused or failed send shows up later as a socket error (read by upstream_ready).
  send(fd, query, len, MSG_DONTWAIT);
  return int_value(env, fd);
fail:
  e = errno;
  release_socket(fd);
  return int_value(env, -e);
}

// forget(fd): closes an upstream socket (which also takes it out of its epoll set).
static napi_value Forget(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fd = arg_int(env, argv[0]);
  return int_value(env, fd >= 0 ? release_socket(fd) : 0);
}

// close(handle): stops watching and closes the listener socket or epoll fd.
static napi_value Close(napi_env env, napi_callback_info info) {
  ARGS(1);
  watch_t *w = arg_watch(env, argv[0]);
  if (w) end_fd_watch(&w->poll, w->fd, &w->closed, on_closed);
  return int_value(env, 0);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"bind", NULL, Bind, NULL, NULL, NULL, napi_default, NULL},
      {"listen", NULL, Listen, NULL, NULL, NULL, napi_default, NULL},
      {"upstream", NULL, Upstream, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
      {"ask", NULL, Ask, NULL, NULL, NULL, napi_default, NULL},
      {"forget", NULL, Forget, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
      {"closeFd", NULL, CloseFd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
