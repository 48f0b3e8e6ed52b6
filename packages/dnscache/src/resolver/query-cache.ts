// Answers and servers from the cache (query.c): the cached NXDOMAIN, CNAME and records of a
// name, and the nearest configured or cached servers above it.
import { domainLength } from '../domain.js';
import { logCached, logCachedPair } from '../log.js';
import { getName, packetName, T_A, T_ANY, T_AXFR, T_CNAME, T_MX, T_NS, T_PTR, typeMatch, u16 } from '../packet.js';
import { responseAddBytes, responseAddName, responseCname, responseRFinish, responseRStart } from '../response.js';
import { key, L, MAXNS, makeKey, type QueryState } from './query-state.js';

const CACHED_KINDS = [T_NS, T_PTR, T_MX, T_A];

/**
 * Answers from the cache: 1 answered, -1 failed, L.NXDOMAIN / L.CNAME (q.cname set) /
 * L.LOWERLEVEL to continue there, 0 when the cache has nothing.
 */
export function fromCache(q: QueryState, d: Buffer, dlen: number, dtype: number): number {
  const cache = q.ctx.cache;
  const buf = cache.buffer;
  let klen = makeKey(T_ANY, d, dlen);
  if (cache.get(key, klen)) {
    logCached('nxdomain', d);
    return L.NXDOMAIN;
  }
  klen = makeKey(T_CNAME, d, dlen);
  if (cache.get(key, klen)) {
    const target = Buffer.from(buf.subarray(cache.dataPos, cache.dataPos + cache.dataLen));
    if (typeMatch(T_CNAME, dtype)) {
      logCached(T_CNAME, d);
      if (!q.rqa()) return -1;
      if (!responseCname(q.name[0]!, target, cache.ttl)) return -1;
      return 1;
    }
    logCachedPair('cname', d, 0, target);
    q.cname = target;
    return L.CNAME;
  }
  for (const t of CACHED_KINDS) {
    if (!typeMatch(t, dtype)) continue;
    klen = makeKey(t, d, dlen);
    if (!cache.get(key, klen) || !(cache.dataLen || dtype !== T_ANY)) continue;
    const cached = buf.subarray(cache.dataPos, cache.dataPos + cache.dataLen);
    const ttl = cache.ttl;
    logCached(t, d);
    if (t === T_A && q.level) {
      for (let p = 0; p + 4 <= cached.length; p += 4) q.addServer(cached, p);
      return L.LOWERLEVEL;
    }
    if (!q.rqa()) return -1;
    if (t === T_A) {
      for (let p = 0; p + 4 <= cached.length; p += 4) {
        if (!responseRStart(d, T_A, ttl)) return -1;
        responseAddBytes(cached, p, 4);
        responseRFinish();
      }
      return 1;
    }
    let pos = 0;
    for (;;) {
      let pref = -1;
      if (t === T_MX) {
        if (pos + 2 > cached.length) break;
        pref = u16(cached, pos);
        pos += 2;
      }
      pos = getName(cached, cached.length, pos);
      if (!pos) break;
      if (!responseRStart(d, t, ttl)) return -1;
      if (pref >= 0 && !responseAddBytes(Buffer.from([pref >> 8, pref & 255]), 0, 2)) return -1;
      if (!responseAddName(packetName())) return -1;
      responseRFinish();
    }
    return 1;
  }
  if (
    dtype !== T_ANY &&
    dtype !== T_AXFR &&
    dtype !== T_CNAME &&
    dtype !== T_NS &&
    dtype !== T_PTR &&
    dtype !== T_A &&
    dtype !== T_MX
  ) {
    klen = makeKey(dtype, d, dlen);
    if (cache.get(key, klen)) {
      const cached = buf.subarray(cache.dataPos, cache.dataPos + cache.dataLen);
      const ttl = cache.ttl;
      logCached(dtype, d);
      if (!q.rqa()) return -1;
      let p = 0;
      while (p + 2 <= cached.length) {
        const len = u16(cached, p);
        p += 2;
        if (len > cached.length - p) return -1;
        if (!responseRStart(d, dtype, ttl)) return -1;
        if (!responseAddBytes(cached, p, len)) return -1;
        responseRFinish();
        p += len;
      }
      return 1;
    }
  }
  return 0;
}

/** Walks up from d to the nearest configured or cached servers; false at the root's end. */
export function findServers(q: QueryState, d: Buffer): boolean {
  const cache = q.ctx.cache;
  // The suffix being tried starts at p: a view is made only for the one that has servers.
  let p = 0;
  for (;;) {
    if (q.ctx.roots.lookup(q.srv(), 64 * q.level, d, p)) {
      q.clearNs(q.level);
      q.control[q.level] = p ? d.subarray(p) : d;
      return true;
    }
    const dlen = domainLength(d, p);
    if (!q.ctx.forwardOnly && q.level < 2 && dlen < 255) {
      const klen = makeKey(T_NS, d, dlen, p);
      if (cache.get(key, klen) && cache.dataLen) {
        const cached = Buffer.from(cache.buffer.subarray(cache.dataPos, cache.dataPos + cache.dataLen));
        q.control[q.level] = p ? d.subarray(p) : d;
        q.srv().fill(0, 64 * q.level, 64 * q.level + 64);
        q.clearNs(q.level);
        const list = q.nsList(q.level);
        let pos = 0;
        let j = 0;
        for (;;) {
          pos = getName(cached, cached.length, pos);
          if (!pos) break;
          const ns = packetName();
          logCachedPair('ns', d, p, ns);
          if (j < MAXNS) list[j++] = ns;
        }
        return true;
      }
    }
    if (!d[p]) return false;
    p += d[p]! + 1;
  }
}
