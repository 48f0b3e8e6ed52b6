// multilog 0.76's pattern matcher: literals and `*`, anchored at both ends, no backtracking.
const STAR = 0x2a;

/**
 * Whether `line[0..length)` matches `pattern`. A `*` at the end matches the rest of the line; a `*`
 * followed by C skips to the first C in the line (no match if there is none).
 */
export function matchPattern(pattern: Uint8Array, line: Uint8Array, length: number): boolean {
  let p = 0;
  let i = 0;
  const plen = pattern.length;
  for (;;) {
    if (p === plen) return i === length;
    const c = pattern[p]!;
    if (c === STAR) {
      p++;
      if (p === plen) return true;
      const next = pattern[p]!;
      while (i < length && line[i] !== next) i++;
      if (i === length) return false;
      continue;
    }
    if (i === length || line[i] !== c) return false;
    p++;
    i++;
  }
}
