// Unpredictable numbers for query ids, source ports and server order, from the kernel's CSPRNG
// through a refilled pool (crypto.randomBytes per call would cost a syscall each).
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let used = pool.length;

function byte(): number {
  if (used >= pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]!;
}

/** A uniform number in [0, n) for n ≤ 65536. */
export function randomBelow(n: number): number {
  for (;;) {
    const v = (byte() << 8) | byte();
    const limit = 65536 - (65536 % n);
    if (v < limit) return v % n;
  }
}

/** A 32-bit random number. */
export function random32(): number {
  return ((byte() << 24) | (byte() << 16) | (byte() << 8) | byte()) >>> 0;
}

/** A source port in 1025..65534, as dnscache binds. */
export function randomPort(): number {
  return 1025 + randomBelow(64510);
}

/** Mixes caller bytes (the seed read from stdin) into the pool's next use. */
export function randomSeed(seed: Uint8Array): number {
  let h = 5381;
  for (const c of seed) h = ((h << 5) + h) ^ c;
  return (h ^ random32()) >>> 0;
}

/** Shuffles the 16 four-byte addresses of a servers block in place (dns_sortip). */
export function shuffleServers(s: Buffer, offset: number): void {
  for (let n = 16; n > 1; n--) {
    const i = randomBelow(n);
    const a = offset + 4 * (n - 1);
    const b = offset + 4 * i;
    for (let k = 0; k < 4; k++) {
      const t = s[a + k]!;
      s[a + k] = s[b + k]!;
      s[b + k] = t;
    }
  }
}
