// Argument and result helpers shared by every fortress addon (scripts/build-native.js puts this
// directory on each addon's include path). Strings and vectors are malloc'd copies: C code
// keeps no pointer into JS memory across a call or a thread.
#ifndef FORTRESS_NAPI_ARGS_H
#define FORTRESS_NAPI_ARGS_H

#include <stdint.h>
#include <stdlib.h>

#include <node_api.h>

// Declares and fills `argv` with the call's first n arguments (missing ones are undefined).
#define ARGS(n)                                                                                    \
  size_t argc = (n);                                                                               \
  napi_value argv[(n) > 0 ? (n) : 1];                                                              \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

static inline napi_value int_value(napi_env env, int64_t v) {
  napi_value r;
  napi_create_int64(env, v, &r);
  return r;
}

// A JS number as an int32 (0 when not a number).
static inline int32_t arg_int(napi_env env, napi_value v) {
  int32_t n = 0;
  napi_get_value_int32(env, v, &n);
  return n;
}

// A JS string as a malloc'd C string, or NULL (not a string, or out of memory).
static inline char *arg_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (s != NULL && napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok) {
    free(s);
    return NULL;
  }
  return s;
}

static inline void free_strings(char **list) {
  if (list == NULL) return;
  for (char **p = list; *p != NULL; p++) free(*p);
  free(list);
}

// A JS array as a NULL-terminated malloc'd vector of what `one` makes of each element, or NULL
// (not an array, an element `one` refuses, or out of memory).
static inline char **arg_list(napi_env env, napi_value v, char *(*one)(napi_env, napi_value)) {
  uint32_t n = 0;
  if (napi_get_array_length(env, v, &n) != napi_ok) return NULL;
  char **list = calloc((size_t)n + 1, sizeof *list);
  if (list == NULL) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || (list[i] = one(env, e)) == NULL) {
      free_strings(list);
      return NULL;
    }
  }
  return list;
}

// A JS array of strings as a NULL-terminated malloc'd vector, or NULL (not an array of
// strings, or out of memory).
static inline char **arg_strings(napi_env env, napi_value v) {
  return arg_list(env, v, arg_string);
}

#endif
