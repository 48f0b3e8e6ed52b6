// Resource numbers of Linux x86_64 (sys/resource.h), in a module that imports nothing, so
// option parsers (softlimit) can name them without loading libc.ts.
export const RLIMIT = {
  CPU: 0,
  FSIZE: 1,
  DATA: 2,
  STACK: 3,
  CORE: 4,
  RSS: 5,
  NPROC: 6,
  NOFILE: 7,
  MEMLOCK: 8,
  AS: 9,
} as const;

export type RlimitName = keyof typeof RLIMIT;
