// The record cache: one preallocated block of $CACHESIZE bytes outside the JS heap, laid out as
// djbdns' cache.c: a hash table of head links, then a ring of entries written left to right,
// the oldest evicted first. Each bucket is a doubly linked list whose links are the xor of
// the neighbours' positions. Entry: link(4) keylen(4) datalen(4) expire(8) key data.
import { FortressError } from '@fortress/core/errors';

const MAXKEYLEN = 1000;
const MAXDATALEN = 1000000;
const MAXTTL = 604800;

// djbdns' cache_impossible(): a broken invariant of the block, reported as exit 111.
function cacheCorrupt(): FortressError {
  return new FortressError('ERR_CACHE_CORRUPT', 'cache corrupt');
}

export class Cache {
  readonly size: number;
  private readonly x: Buffer;
  private readonly hsize: number;
  private writer: number;
  private oldest: number;
  private unused: number;
  private readonly seed: number;
  /** Bytes inserted since start (the `stats` line's motion). */
  motion = 0;
  /** Where the data of the last hit starts, its length, and its remaining TTL. */
  dataPos = 0;
  dataLen = 0;
  ttl = 0;

  constructor(size: number, seed = 0) {
    const s = Math.min(Math.max(size, 100), 1000000000);
    this.size = s;
    let hsize = 4;
    while (hsize <= s >>> 5) hsize *= 2;
    this.hsize = hsize;
    this.x = Buffer.alloc(s);
    this.writer = hsize;
    this.oldest = s;
    this.unused = s;
    this.seed = seed >>> 0;
  }

  get buffer(): Buffer {
    return this.x;
  }

  // Bytes by hand: Buffer's readUInt32BE/writeUInt32BE validate their offset once more.
  private get4(pos: number): number {
    if (pos > this.size - 4) throw cacheCorrupt();
    const x = this.x;
    return ((x[pos]! << 24) | (x[pos + 1]! << 16) | (x[pos + 2]! << 8) | x[pos + 3]!) >>> 0;
  }

  private set4(pos: number, v: number): void {
    if (pos > this.size - 4) throw cacheCorrupt();
    const x = this.x;
    x[pos] = v >>> 24;
    x[pos + 1] = v >>> 16;
    x[pos + 2] = v >>> 8;
    x[pos + 3] = v;
  }

  // djb's hash, keyed by the seed so that outsiders cannot aim at one bucket.
  private hash(key: Uint8Array, keylen: number): number {
    let h = (5381 ^ this.seed) >>> 0;
    for (let i = 0; i < keylen; i++) h = (((h << 5) + h) ^ key[i]!) >>> 0;
    return (h << 2) & (this.hsize - 4);
  }

  /** Looks a key up; on a hit sets dataPos/dataLen/ttl and returns true. */
  get(key: Uint8Array, keylen: number, now = Math.floor(Date.now() / 1000)): boolean {
    if (keylen > MAXKEYLEN) return false;
    const x = this.x;
    let prev = this.hash(key, keylen);
    let pos = this.get4(prev);
    let loop = 0;
    while (pos) {
      if (this.get4(pos + 4) === keylen) {
        if (pos + 20 + keylen > this.size) throw cacheCorrupt();
        let same = true;
        for (let i = 0; i < keylen; i++) {
          if (x[pos + 20 + i] !== key[i]) {
            same = false;
            break;
          }
        }
        if (same) {
          const expire = this.get4(pos + 12) * 4294967296 + this.get4(pos + 16);
          if (expire < now) return false;
          this.ttl = Math.min(expire - now, MAXTTL);
          const u = this.get4(pos + 8);
          if (u > this.size - pos - 20 - keylen) throw cacheCorrupt();
          this.dataLen = u;
          this.dataPos = pos + 20 + keylen;
          return true;
        }
      }
      const next = (prev ^ this.get4(pos)) >>> 0;
      prev = pos;
      pos = next;
      if (++loop > 100) return false;
    }
    return false;
  }

  /** Stores data under key for ttl seconds (capped at a week); ttl 0 stores nothing. */
  set(
    key: Uint8Array,
    keylen: number,
    data: Uint8Array,
    datalen: number,
    ttl: number,
    now = Math.floor(Date.now() / 1000),
  ): void {
    if (keylen > MAXKEYLEN || datalen > MAXDATALEN || !ttl) return;
    const t = Math.min(ttl, MAXTTL);
    const entrylen = keylen + datalen + 20;
    while (this.writer + entrylen > this.oldest) {
      if (this.oldest === this.unused) {
        if (this.writer <= this.hsize) return;
        this.unused = this.writer;
        this.oldest = this.hsize;
        this.writer = this.hsize;
      }
      const pos = this.get4(this.oldest);
      this.set4(pos, this.get4(pos) ^ this.oldest);
      this.oldest += this.get4(this.oldest + 4) + this.get4(this.oldest + 8) + 20;
      if (this.oldest > this.unused) throw cacheCorrupt();
      if (this.oldest === this.unused) {
        this.unused = this.size;
        this.oldest = this.size;
      }
    }
    const keyhash = this.hash(key, keylen);
    const expire = now + t;
    const head = this.get4(keyhash);
    const w = this.writer;
    if (head) this.set4(head, this.get4(head) ^ keyhash ^ w);
    this.set4(w, head ^ keyhash);
    this.set4(w + 4, keylen);
    this.set4(w + 8, datalen);
    this.set4(w + 12, Math.floor(expire / 4294967296));
    this.set4(w + 16, expire >>> 0);
    // Byte loops: small copies cost less than the views that set() would need.
    const x = this.x;
    for (let i = 0; i < keylen; i++) x[w + 20 + i] = key[i]!;
    for (let i = 0, at = w + 20 + keylen; i < datalen; i++) x[at + i] = data[i]!;
    this.set4(keyhash, w);
    this.writer += entrylen;
    this.motion += entrylen;
  }
}
