// The tests' sd_notify sender (compiled by notify-socket.test.ts with the system's cc):
//   notify-send [-b] [-z BYTES] MESSAGE... [-- PROG ARGS...]
// Sends each MESSAGE as one datagram to $NOTIFY_SOCKET ("@name": abstract namespace), with
// C escapes decoded (\n, \\, \xHH, so any bytes can be sent); -z BYTES first sends one datagram
// of BYTES bytes ("READY=1\n" then 'x's). -b then waits on a barrier (BARRIER=1 with the write
// end of a pipe, as sd_notify_barrier does): it returns once the receiver has read everything
// before it and closed the descriptor; exit 3 if that takes over 20 s. With `-- PROG`, then
// execs PROG in the same process (a daemon that notifies from its main process).
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fd;
static struct sockaddr_un sa;
static socklen_t salen;

static void fail(const char *what) {
  perror(what);
  exit(111);
}

static size_t unescape(const char *in, char *out) {
  size_t n = 0;
  for (; *in; in++) {
    if (*in != '\\' || in[1] == 0) {
      out[n++] = *in;
      continue;
    }
    in++;
    if (*in == 'n') out[n++] = '\n';
    else if (*in == 'x' && in[1] && in[2]) {
      char hex[3] = {in[1], in[2], 0};
      out[n++] = (char)strtol(hex, NULL, 16);
      in += 2;
    } else out[n++] = *in;
  }
  return n;
}

static void send_one(const void *data, size_t len, int passfd) {
  struct iovec iov = {(void *)data, len};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &sa;
  msg.msg_namelen = salen;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  union {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(int))];
  } control;
  if (passfd >= 0) {
    memset(&control, 0, sizeof control);
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passfd, sizeof passfd);
  }
  if (sendmsg(fd, &msg, 0) < 0) fail("sendmsg");
}

int main(int argc, char **argv) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (path == NULL || strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "notify-send: no usable NOTIFY_SOCKET\n");
    return 100;
  }
  sa.sun_family = AF_UNIX;
  size_t plen = strlen(path);
  memcpy(sa.sun_path, path, plen);
  if (path[0] == '@') {
    sa.sun_path[0] = 0;
    salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
  } else salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket");
  int barrier = 0, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "-b") == 0) barrier = 1;
    else if (strcmp(argv[i], "-z") == 0 && i + 1 < argc) {
      size_t n = strtoul(argv[++i], NULL, 10);
      char *big = malloc(n);
      if (big == NULL) fail("malloc");
      memset(big, 'x', n);
      memcpy(big, "READY=1\n", n < 8 ? n : 8);
      send_one(big, n, -1);
      free(big);
    } else {
      char *buf = malloc(strlen(argv[i]) + 1);
      if (buf == NULL) fail("malloc");
      send_one(buf, unescape(argv[i], buf), -1);
      free(buf);
    }
  }
  if (barrier) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) fail("pipe2");
    send_one("BARRIER=1", 9, p[1]);
    close(p[1]);
    struct pollfd pfd = {p[0], 0, 0};
    if (poll(&pfd, 1, 20000) != 1) {
      fprintf(stderr, "notify-send: barrier not released\n");
      return 3;
    }
  }
  close(fd);
  if (i < argc - 1) {
    execvp(argv[i + 1], argv + i + 1);
    fail("execvp");
  }
  return 0;
}
