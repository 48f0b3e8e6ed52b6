// What the addons that watch a descriptor on Node's loop through a uv_poll handle share
// (dnscache's udp.c, supervise's notify.c): ending a watch once, and closing a descriptor that
// never got one. They call libuv directly, which Node-API's ABI promise does not cover: rebuild
// them with each new major Node (README, "Native code").
#ifndef FORTRESS_FD_WATCH_H
#define FORTRESS_FD_WATCH_H

#include <errno.h>
#include <unistd.h>

#include "napi-args.h"
#include <uv.h>

// Stops the watch of FD through POLL and closes FD, once (*closed is set then); ON_CLOSED frees
// what the handle held, once libuv is done with it.
static inline void end_fd_watch(uv_poll_t *poll, int fd, int *closed, uv_close_cb on_closed) {
  if (*closed) return;
  *closed = 1;
  uv_poll_stop(poll);
  uv_close((uv_handle_t *)poll, on_closed);
  close(fd);
}

// closeFd(fd): closes a descriptor never handed to a watch (a failed set-up); 0 or -errno.
static napi_value CloseFd(napi_env env, napi_callback_info info) {
  ARGS(1);
  return int_value(env, close(arg_int(env, argv[0])) < 0 ? -errno : 0);
}

#endif
