// multilog-attach SCRIPT...: a service's logger run by its account's shared log host (src/host.ts)
// instead of a Node process of its own. A small C program, so a logger costs no Node start-up.
//
// It connects to the host (starting one if none answers), hands it descriptors 0, 1 and 2 (the
// log pipe first), its cwd and SCRIPT, forwards SIGTERM and SIGALRM, and exits with the code the
// host reports when the logger ends. Any other terminating signal stops the logger at once (the
// host writes nothing more and unlocks the directory) and then kills this program too. If the host
// dies, it exits 111, so supervise starts it again: what the logger had not written is still in
// the pipe (multilog takes input out only once written).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL "multilog-attach 1"
#define REQUEST_MAX 65536

static int signal_pipe[2];

static void on_signal(int sig) {
  int saved = errno;
  unsigned char byte = (unsigned char)sig;
  (void)!write(signal_pipe[1], &byte, 1);
  errno = saved;
}

static void say(const char *kind, const char *text, int err) {
  char line[1024];
  if (err != 0)
    snprintf(line, sizeof line, "multilog-attach: %s: %s: %s\n", kind, text, strerror(err));
  else
    snprintf(line, sizeof line, "multilog-attach: %s: %s\n", kind, text);
  (void)!write(2, line, strlen(line));
}

static void die(const char *text, int err) {
  say("fatal", text, err);
  _exit(111);
}

static char host_name[100];

static socklen_t host_address(struct sockaddr_un *sun) {
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  size_t n = strlen(host_name);
  memcpy(sun->sun_path + 1, host_name, n);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

// The host program: $FORTRESS_LOGHOST_COMMAND, multilog-host on PATH, or the one in this package
// (this program is in its build/ or prebuilds/PLATFORM/, the host in bin/).
static void exec_host(void) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) _exit(111);
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (slash == NULL) _exit(111);
  *slash = 0;
  const char *env = getenv("FORTRESS_LOGHOST_COMMAND");
  char *argv[] = {"multilog-host", host_name, NULL};
  if (env != NULL && *env != 0) execv(env, argv);
  // From PATH first, as multilog itself would be found: an installed launcher there runs the
  // pinned Node; then the package's own bin/ (whose #! finds node on PATH).
  execvp("multilog-host", argv);
  const char *relative[] = {"/../bin/multilog-host.js", "/../../bin/multilog-host.js"};
  for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s%s", self, relative[i]);
    execv(path, argv);
  }
  say("warning", "unable to start the log host: multilog-host.js not found beside multilog-attach", errno);
  _exit(111);
}

// Starts a host in a session of its own, not a child of this program (which a supervisor kills
// and restarts); it keeps only this logger's stderr, for its own messages.
static void start_host(void) {
  pid_t child = fork();
  if (child < 0) die("unable to fork", errno);
  if (child == 0) {
    if (fork() != 0) _exit(0);
    setsid();
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      if (null > 2) close(null);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < 32; sig++) sigaction(sig, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (chdir("/") < 0) _exit(111);
    exec_host();
  }
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR);
}

static int connect_host(void) {
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) die("unable to create socket", errno);
  struct sockaddr_un sun;
  socklen_t len = host_address(&sun);
  if (connect(fd, (struct sockaddr *)&sun, len) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  // Only a host of this very account gets the pipe: anyone may bind an abstract name first.
  struct ucred cred;
  socklen_t clen = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) die("unable to check the log host", errno);
  if (cred.uid != getuid()) {
    say("fatal", "the log host's socket belongs to another account", 0);
    _exit(111);
  }
  return fd;
}

static void send_request(int fd, const char *request, size_t length) {
  struct iovec iov = {(void *)request, length};
  union {
    char buf[CMSG_SPACE(3 * sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(3 * sizeof(int));
  int fds[3] = {0, 1, 2};
  memcpy(CMSG_DATA(c), fds, sizeof fds);
  while (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) die("unable to hand the log to the log host", errno);
  }
}

static void send_byte(int fd, char byte) {
  while (send(fd, &byte, 1, MSG_NOSIGNAL) < 0 && errno == EINTR);
}

static void pause_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR);
}

// Waits for a packet from the host or a signal; returns the packet's length (0: the host closed),
// -1 when a signal came first, -2 on timeout.
static int wait_packet(int fd, unsigned char *buf, int timeout_ms, int signals) {
  struct pollfd p[2] = {{fd, POLLIN, 0}, {signal_pipe[0], POLLIN, 0}};
  int r = poll(p, signals ? 2 : 1, timeout_ms);
  if (r < 0 && errno == EINTR) return -1;
  if (r < 0) die("unable to poll", errno);
  if (r == 0) return -2;
  if (p[1].revents) return -1;
  ssize_t n = recv(fd, buf, 16, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return -1;
  if (n < 0) return 0;
  return (int)n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    const char *text = "multilog-attach: usage: multilog-attach script\n";
    (void)!write(2, text, strlen(text));
    return 100;
  }
  if (argc == 2 && strcmp(argv[1], "--help") == 0) {
    printf("usage: multilog-attach script\n");
    return 0;
  }
  const char *name = getenv("FORTRESS_LOGHOST");
  if (name != NULL && *name != 0)
    snprintf(host_name, sizeof host_name, "%s", name);
  else
    snprintf(host_name, sizeof host_name, "fortress-loghost.%u", (unsigned)getuid());

  char *request = malloc(REQUEST_MAX);
  if (request == NULL) die("out of memory", 0);
  size_t length = 0;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == NULL) die("unable to get current directory", errno);
  const char *parts[2] = {PROTOCOL, cwd};
  for (int i = 0; i < argc + 1; i++) {
    const char *part = i < 2 ? parts[i] : argv[i - 1];
    size_t n = strlen(part) + 1;
    if (length + n > REQUEST_MAX) {
      say("fatal", "script too long", 0);
      return 100;
    }
    memcpy(request + length, part, n);
    length += n;
  }

  if (pipe2(signal_pipe, O_NONBLOCK | O_CLOEXEC) < 0) die("unable to create pipe", errno);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  const int forwarded[] = {SIGTERM, SIGALRM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaction(forwarded[i], &sa, NULL);

  // Connect (starting a host if none answers), hand over the log, wait for "S".
  int fd = -1;
  int started_host = 0;
  unsigned char packet[16];
  for (int attempt = 0;; attempt++) {
    if (attempt >= 600) die("unable to reach the log host (it did not start within a minute)", 0);
    fd = connect_host();
    if (fd < 0) {
      if (errno != ECONNREFUSED && errno != ENOENT) die("unable to connect to the log host", errno);
      // None answers: start one (again every 5 s, in case one that was ending took the request).
      if (!started_host || attempt % 50 == 0) {
        start_host();
        started_host = 1;
      }
      pause_ms(100);
      continue;
    }
    send_request(fd, request, length);
    int n;
    do n = wait_packet(fd, packet, 60000, 0);
    while (n == -1);
    if (n == -2) die("the log host did not answer within a minute", 0);
    if (n > 0 && packet[0] == 'S') break;
    if (n > 1 && packet[0] == 'E') return packet[1];
    // The host ended before taking the log (it was exiting, idle): try again.
    close(fd);
    pause_ms(100);
  }

  for (;;) {
    int n = wait_packet(fd, packet, -1, 1);
    if (n == 0) die("the log host went away (its logger will be started again)", 0);
    if (n > 1 && packet[0] == 'E') return packet[1];
    if (n != -1) continue;
    unsigned char sigs[32];
    ssize_t k;
    while ((k = read(signal_pipe[0], sigs, sizeof sigs)) > 0) {
      for (ssize_t i = 0; i < k; i++) {
        if (sigs[i] == SIGTERM) {
          send_byte(fd, 'T');
        } else if (sigs[i] == SIGALRM) {
          send_byte(fd, 'A');
        } else {
          // As multilog would be: killed at once. The host stops the logger and unlocks first.
          send_byte(fd, 'K');
          while ((n = wait_packet(fd, packet, 10000, 0)) == -1);
          signal(sigs[i], SIG_DFL);
          raise(sigs[i]);
          _exit(111);
        }
      }
    }
  }
}
