// readproctitle's window: its own command line, as ps and /proc/PID/cmdline show it.
//
// Node keeps no pointer into the memory the kernel put argv in: libuv copies the arguments at
// start-up and keeps that area only for process.title, which writes one C string (no NUL
// between arguments) and pads it. Here the area, [arg_start, arg_end) as /proc/self/stat gives
// it, is written directly with arguments separated by NUL bytes, as a C program's own argv would
// be. Where the kernel allows it (CAP_SYS_RESOURCE), arg_end is moved to the end of what was
// written, so /proc/PID/cmdline holds exactly those bytes; otherwise the rest is NUL bytes, which
// ps drops. The thread's name (comm, what `ps -e` shows) can be set too.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "napi-args.h"

static uintptr_t arg_start, arg_end;

// Reads arg_start and arg_end (fields 48 and 49 of /proc/self/stat) once; 0 or -errno.
static int find_area(void) {
  if (arg_end > arg_start) return 0;
  char text[4096];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = read(fd, text, sizeof text - 1);
  int error = errno;
  close(fd);
  if (n <= 0) return n < 0 ? -error : -EIO;
  text[n] = '\0';
  // The command name (field 2) is in parentheses and may hold anything: count after the last ')'.
  char *p = strrchr(text, ')');
  if (p == NULL) return -EIO;
  unsigned long long value[2] = {0, 0};
  for (int field = 2; field < 49 && p != NULL; field++) {
    p = strchr(p + 1, ' ');
    if (p != NULL && field + 1 >= 48) value[field + 1 - 48] = strtoull(p + 1, NULL, 10);
  }
  if (p == NULL || value[1] <= value[0]) return -EIO;
  arg_start = (uintptr_t)value[0];
  arg_end = (uintptr_t)value[1];
  return 0;
}

// capacity() -> bytes in the argument area, or -errno.
static napi_value Capacity(napi_env env, napi_callback_info info) {
  (void)info;
  int r = find_area();
  return int_value(env, r < 0 ? r : (int64_t)(arg_end - arg_start));
}

// write(offset, bytes) -> 0, or -errno: copies bytes into the area at offset.
static napi_value Write(napi_env env, napi_callback_info info) {
  ARGS(2);
  int r = find_area();
  if (r < 0) return int_value(env, r);
  int64_t offset = 0;
  void *data = NULL;
  size_t length = 0;
  if (argc < 2 || napi_get_value_int64(env, argv[0], &offset) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &data, &length) != napi_ok || offset < 0 ||
      (uint64_t)offset + length > arg_end - arg_start)
    return int_value(env, -EINVAL);
  memcpy((char *)arg_start + offset, data, length);
  return int_value(env, 0);
}

// end(length) -> 0, or -errno: the area's bytes after `length` become NUL, and the kernel is
// asked to end the command line there (needs CAP_SYS_RESOURCE; -EPERM otherwise, harmless).
static napi_value End(napi_env env, napi_callback_info info) {
  ARGS(1);
  int r = find_area();
  if (r < 0) return int_value(env, r);
  int64_t length = 0;
  if (argc < 1 || napi_get_value_int64(env, argv[0], &length) != napi_ok || length <= 0 ||
      (uint64_t)length > arg_end - arg_start)
    return int_value(env, -EINVAL);
  memset((char *)arg_start + length, 0, arg_end - arg_start - (uintptr_t)length);
  if (prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)(arg_start + (uintptr_t)length), 0, 0) < 0)
    return int_value(env, -errno);
  arg_end = arg_start + (uintptr_t)length;
  return int_value(env, 0);
}

// setName(name) -> 0, or -errno: the thread's name (comm, at most 15 bytes).
static napi_value SetName(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *name = arg_string(env, argv[0]);
  if (name == NULL) return int_value(env, -EINVAL);
  int r = prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
  int error = errno;
  free(name);
  return int_value(env, r < 0 ? -error : 0);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  napi_create_function(env, "capacity", NAPI_AUTO_LENGTH, Capacity, NULL, &fn);
  napi_set_named_property(env, exports, "capacity", fn);
  napi_create_function(env, "write", NAPI_AUTO_LENGTH, Write, NULL, &fn);
  napi_set_named_property(env, exports, "write", fn);
  napi_create_function(env, "end", NAPI_AUTO_LENGTH, End, NULL, &fn);
  napi_set_named_property(env, exports, "end", fn);
  napi_create_function(env, "setName", NAPI_AUTO_LENGTH, SetName, NULL, &fn);
  napi_set_named_property(env, exports, "setName", fn);
  return exports;
}
