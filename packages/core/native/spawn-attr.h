// posix_spawn attributes every fortress addon starts children with (core's spawn, supervise's
// ./run): each signal back to its default and none blocked in the child.
#ifndef FORTRESS_SPAWN_ATTR_H
#define FORTRESS_SPAWN_ATTR_H

#include <signal.h>
#include <spawn.h>

// glibc's sigfillset leaves out the two signals glibc keeps for itself (32 and 33), and its
// posix_spawn then leaves them ignored in the child, which exec keeps: their bits are set here.
static inline void spawn_attr_init(posix_spawnattr_t *attr, short extra_flags) {
  sigset_t all, none;
  sigfillset(&all);
  unsigned long *words = (unsigned long *)&all;
  const unsigned bits = 8 * sizeof *words;
  for (unsigned sig = 32; sig <= 33; sig++) words[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
  sigemptyset(&none);
  posix_spawnattr_init(attr);
  posix_spawnattr_setsigdefault(attr, &all);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | extra_flags);
}

#endif
