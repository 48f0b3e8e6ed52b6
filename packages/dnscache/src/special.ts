// Names dnscache answers itself (query.c's globalip and the localhost PTR).
import { domainEqual } from './domain.js';

const LOCALHOST = Buffer.from('\x09localhost\x00', 'latin1');
const LOCALHOST_PTR = Buffer.from('\x011\x010\x010\x03127\x07in-addr\x04arpa\x00', 'latin1');

export { LOCALHOST };

/** `localhost` → 127.0.0.1; a four-label dotted-decimal name → that address; else undefined. */
export function globalIp(d: Uint8Array): Buffer | undefined {
  if (domainEqual(d, LOCALHOST)) return Buffer.from([127, 0, 0, 1]);
  // Most names start with a label that is not a short number: no address to build.
  const first = d[0] ?? 0;
  if (first === 0 || first >= 4 || d[1]! < 48 || d[1]! > 57) return undefined;
  const ip = Buffer.alloc(4);
  let p = 0;
  for (let j = 0; ; j++) {
    const n = d[p] ?? 0;
    if (n === 0) return j === 4 ? ip : undefined;
    if (j >= 4 || n >= 4) return undefined;
    let x = 0;
    for (let i = 1; i <= n; i++) {
      const c = d[p + i]!;
      if (c < 48 || c > 57) return undefined;
      if (i === 2 && x === 0) return undefined;
      x = x * 10 + (c - 48);
    }
    if (x > 255) return undefined;
    ip[j] = x;
    p += n + 1;
  }
}

export function isLocalhostPtr(d: Uint8Array): boolean {
  return domainEqual(d, LOCALHOST_PTR);
}
