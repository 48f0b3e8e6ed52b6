// djb's cdb hash: h = 5381; h = (h * 33) ^ c, modulo 2^32.
export function cdbHash(key: Uint8Array): number {
  let h = 5381;
  for (let i = 0; i < key.length; i++) {
    h = (((h << 5) + h) ^ (key[i] as number)) >>> 0;
  }
  return h;
}
