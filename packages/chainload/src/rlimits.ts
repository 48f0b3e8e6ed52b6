// softlimit's options and how a value changes a soft limit (daemontools 0.76 softlimit.c).
import type { Rlimit } from '@fortress/core/libc';
import type { RlimitName } from '@fortress/core/rlimit';

/** The resources each option sets; RLIMIT_VMEM and RLIMIT_OFILE are RLIMIT_AS and RLIMIT_NOFILE on Linux. */
export const SOFTLIMIT_OPTIONS: Record<string, readonly RlimitName[]> = {
  a: ['AS'],
  c: ['CORE'],
  d: ['DATA'],
  f: ['FSIZE'],
  l: ['MEMLOCK'],
  m: ['DATA', 'STACK', 'MEMLOCK', 'AS'],
  o: ['NOFILE'],
  p: ['NPROC'],
  r: ['RSS'],
  s: ['STACK'],
  t: ['CPU'],
};

export const SOFTLIMIT_GETOPT = 'a:c:d:f:l:m:o:p:r:s:t:';

const ULONG = 1n << 64n;

/**
 * A softlimit value: `=` (soft up to hard) or decimal digits, read like djb's scan_ulong (an
 * empty string is 0; a number wider than 64 bits wraps). undefined when anything follows the
 * digits: the caller prints its usage.
 */
export function parseLimitValue(text: string): bigint | '=' | undefined {
  if (text === '=') return '=';
  if (!/^[0-9]*$/.test(text)) return undefined;
  return text === '' ? 0n : BigInt(text) % ULONG;
}

/** The new limit: only the soft part changes, and never above the hard limit. */
export function newSoftLimit(current: Rlimit, value: bigint | '='): Rlimit {
  if (value === '=') return { soft: current.hard, hard: current.hard };
  return { soft: value > current.hard ? current.hard : value, hard: current.hard };
}
