// Caching what an upstream answer says (the record loop of query.c): records grouped by name and
// type; groups outside the asked server's bailiwick (not under its zone, or under another
// servers/ entry) are ignored; each kind is logged and stored in the cache's own layout.
import { domainEqual, domainLength, domainSuffix } from '../domain.js';
import { hex2, logLine, logRr, logRrName, name } from '../log.js';
import { getName, packetName, T_A, T_ANY, T_AXFR, T_CNAME, T_MX, T_NS, T_PTR, T_SOA, u16, u32 } from '../packet.js';
import { type Rec, type Sections, sortedRecords, ttlGet } from '../records.js';
import type { ResolverContext } from './query-state.js';

const save = Buffer.alloc(8192);
let saveLen = 0;
let saveOk = true;
const saveKey = Buffer.alloc(257);

function saveStart(): void {
  saveLen = 0;
  saveOk = true;
}

function saveData(buf: Uint8Array, pos: number, len: number): void {
  if (!saveOk) return;
  if (len > save.length - saveLen) {
    saveOk = false;
    return;
  }
  // A byte loop: record data is short, and a view per record would cost more than the copy.
  for (let i = 0; i < len; i++) save[saveLen + i] = buf[pos + i]!;
  saveLen += len;
}

function cacheSet(ctx: ResolverContext, type: number, d: Uint8Array, data: Uint8Array, len: number, ttl: number): void {
  const dlen = domainLength(d);
  if (dlen > 255) return;
  saveKey[0] = type >> 8;
  saveKey[1] = type & 255;
  for (let i = 0; i < dlen; i++) {
    const c = d[i]!;
    saveKey[2 + i] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  ctx.cache.set(saveKey, dlen + 2, data, len, ttl);
}

function nsCached(ctx: ResolverContext, d: Uint8Array): boolean {
  const dlen = domainLength(d);
  if (dlen > 255) return false;
  saveKey[0] = 0;
  saveKey[1] = T_NS;
  for (let i = 0; i < dlen; i++) {
    const c = d[i]!;
    saveKey[2 + i] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  return ctx.cache.get(saveKey, dlen + 2);
}

function saveFinish(ctx: ResolverContext, type: number, d: Uint8Array, ttl: number): void {
  if (saveOk) cacheSet(ctx, type, d, save, saveLen, ttl);
}

function ip(server: Uint8Array): string {
  return hex2(server[0]!) + hex2(server[1]!) + hex2(server[2]!) + hex2(server[3]!);
}

/** Logs and caches every in-bailiwick record set of the answer. */
export function absorb(
  ctx: ResolverContext,
  buf: Buffer,
  sec: Sections,
  server: Uint8Array,
  control: Uint8Array,
): void {
  const records = sortedRecords(sec.records);
  const k = records.length;
  const srv = ip(server);
  let i = 0;
  while (i < k) {
    const first = records[i]!;
    const t1 = first.name;
    const type = first.type;
    const ttl = ttlGet(first.ttl);
    if (first.rclass !== 1) {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < k; j++) {
      const r = records[j]!;
      if (!domainEqual(t1, r.name) || r.type !== type || r.rclass !== 1) break;
    }
    if (!domainSuffix(t1, control) || !ctx.roots.same(t1, control)) {
      i = j;
      continue;
    }
    const from = i;
    i = j;
    if (type === T_ANY || type === T_AXFR) continue;
    if (type === T_SOA) {
      for (let g = from; g < j; g++) if (records[g]!.pos < sec.posAuthority) logSoa(buf, records[g]!, srv, ttl);
    } else if (type === T_CNAME) {
      const last = records[j - 1]!;
      if (!getName(buf, buf.length, last.dataPos)) continue;
      const target = packetName();
      logRrName(srv, ttl, 'cname', t1, target);
      cacheSet(ctx, T_CNAME, t1, target, target.length, ttl);
    } else if (type === T_PTR || type === T_NS) {
      // Debian's poisoning fix: an NS set already in the cache is not replaced (nor logged).
      if (type === T_NS && nsCached(ctx, t1)) continue;
      saveStart();
      for (let g = from; g < j; g++) {
        const r = records[g]!;
        if (!getName(buf, buf.length, r.dataPos)) continue;
        const t2 = packetName();
        logRrName(srv, ttl, type === T_NS ? 'ns' : 'ptr', t1, t2);
        saveData(t2, 0, t2.length);
      }
      saveFinish(ctx, type, t1, ttl);
    } else if (type === T_MX) {
      saveStart();
      for (let g = from; g < j; g++) {
        const r = records[g]!;
        if (r.dataLen < 2 || !getName(buf, buf.length, r.dataPos + 2)) continue;
        const t2 = packetName();
        logRrName(srv, ttl, 'mx', t1, t2, u16(buf, r.dataPos));
        saveData(buf, r.dataPos, 2);
        saveData(t2, 0, t2.length);
      }
      saveFinish(ctx, T_MX, t1, ttl);
    } else if (type === T_A) {
      saveStart();
      for (let g = from; g < j; g++) {
        const r = records[g]!;
        if (r.dataLen !== 4) continue;
        saveData(buf, r.dataPos, 4);
        logRr(server, t1, T_A, buf, r.dataPos, 4, ttl);
      }
      saveFinish(ctx, T_A, t1, ttl);
    } else {
      saveStart();
      const len = Buffer.alloc(2);
      for (let g = from; g < j; g++) {
        const r = records[g]!;
        len.writeUInt16BE(r.dataLen);
        saveData(len, 0, 2);
        saveData(buf, r.dataPos, r.dataLen);
        logRr(server, t1, type, buf, r.dataPos, r.dataLen, ttl);
      }
      saveFinish(ctx, type, t1, ttl);
    }
  }
}

function logSoa(buf: Buffer, r: Rec, srv: string, ttl: number): void {
  let p = getName(buf, buf.length, r.dataPos);
  if (!p) return;
  const mname = packetName();
  p = getName(buf, buf.length, p);
  if (!p || p + 20 > buf.length) return;
  const rname = packetName();
  const nums = [0, 4, 8, 12, 16].map((o) => u32(buf, p + o)).join(' ');
  logLine(`rr ${srv} ${ttl} soa ${name(r.name)} ${name(mname)} ${name(rname)} ${nums}`);
}
