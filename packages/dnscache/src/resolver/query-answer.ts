// Taking in an upstream answer (query.c after HAVEPACKET): lame servers, what the answer says
// (records, CNAME, NXDOMAIN, no-data, referral), caching it through absorb, and the client's
// answer when it is final.

import { domainEqual, domainLength, domainSuffix, domainSuffixPos } from '../domain.js';
import { logLine, name } from '../log.js';
import { getName, packetName, T_A, T_ANY, T_AXFR, T_CNAME, T_MX, T_NS, T_PTR, typeMatch } from '../packet.js';
import { parseSections, ttlGet } from '../records.js';
import { responseAddBytes, responseAddName, responseRFinish, responseRStart } from '../response.js';
import { absorb } from './absorb.js';
import { key, L, MAXLOOP, MAXNS, makeKey, type QueryState } from './query-state.js';

const serverScratch = Buffer.alloc(4);

/** Takes in the answer the transmit accepted (query.c after HAVEPACKET). */
export function havePacket(q: QueryState): number | { result: number } {
  if (++q.loop === MAXLOOP) return L.DIE;
  const dt = q.dt!;
  const buf = dt.packet;
  const level = q.level;
  const s = q.srv();
  const whichPos = 64 * level + 4 * dt.server;
  // The answering server's address, in a module buffer: absorb and the log lines use it at once.
  const server = serverScratch;
  for (let i = 0; i < 4; i++) server[i] = s[whichPos + i]!;
  const control = q.control[level]!;
  const d = q.name[level]!;
  const dtype = level ? T_A : q.type;
  const sec = parseSections(buf);
  if (!sec) return L.DIE;
  const { rcode } = sec;
  if (rcode && rcode !== 3) return L.DIE;

  let flagOut = false;
  let flagCname = false;
  let flagReferral = false;
  let flagSoa = false;
  let soaTtl = 0;
  let referral: Buffer | undefined;
  for (let j = 0; j < sec.answers; j++) {
    const r = sec.records[j]!;
    if (!domainEqual(r.name, d) || r.rclass !== 1) continue;
    if (typeMatch(r.type, dtype)) flagOut = true;
    else if (typeMatch(r.type, T_CNAME)) {
      if (!getName(buf, buf.length, r.dataPos)) return L.DIE;
      q.cname = packetName();
      flagCname = true;
      q.cnameTtl = ttlGet(r.ttl);
    }
  }
  for (let j = sec.answers; j < sec.answers + sec.authority; j++) {
    const r = sec.records[j]!;
    if (typeMatch(r.type, 6)) {
      flagSoa = true;
      soaTtl = Math.min(ttlGet(r.ttl), 3600);
    } else if (typeMatch(r.type, T_NS)) {
      flagReferral = true;
      referral = r.name;
    }
  }
  if (!flagCname && !rcode && !flagOut && flagReferral && !flagSoa) {
    if (domainEqual(referral!, control) || !domainSuffix(referral!, control)) {
      logLine(`lame ${ipText(server)} ${name(control)} ${name(referral!)}`);
      s.fill(0, whichPos, whichPos + 4);
      return L.HAVENS;
    }
  }

  absorb(q.ctx, buf, sec, server, control);

  if (flagCname) return L.CNAME;
  if (rcode === 3) {
    logLine(`nxdomain ${ipText(server)} ${soaTtl} ${name(d)}`);
    cacheGeneric(q, T_ANY, d, Buffer.alloc(0), soaTtl);
    return L.NXDOMAIN;
  }
  if (!flagOut && flagSoa && dtype !== T_ANY && dtype !== T_AXFR && dtype !== T_CNAME) {
    cacheGeneric(q, dtype, d, Buffer.alloc(0), soaTtl);
    logLine(`nodata ${ipText(server)} ${soaTtl} ${dtype} ${name(d)}`);
  }
  q.ctx.stats();

  if (flagOut || flagSoa || !flagReferral) {
    if (level) {
      for (let j = 0; j < sec.answers; j++) {
        const r = sec.records[j]!;
        if (domainEqual(r.name, d) && typeMatch(r.type, T_A) && r.rclass === 1 && r.dataLen === 4) {
          q.addServer(buf, r.dataPos);
        }
      }
      return L.LOWERLEVEL;
    }
    if (!q.rqa()) return L.DIE;
    for (let j = 0; j < sec.answers; j++) {
      const r = sec.records[j]!;
      if (!domainEqual(r.name, d) || r.rclass !== 1 || !typeMatch(r.type, dtype)) continue;
      if (!responseRStart(r.name, r.type, ttlGet(r.ttl))) return L.DIE;
      if (!copyData(buf, r.type, r.dataPos, r.dataLen)) return L.DIE;
      responseRFinish();
    }
    return { result: 1 };
  }

  const at = domainSuffixPos(d, referral!);
  if (at < 0) return L.DIE;
  q.control[level] = d.subarray(at);
  s.fill(0, 64 * level, 64 * level + 64);
  q.clearNs(level);
  const list = q.nsList(level);
  let k = 0;
  for (let j = sec.answers; j < sec.answers + sec.authority; j++) {
    const r = sec.records[j]!;
    if (domainEqual(referral!, r.name) && typeMatch(r.type, T_NS) && r.rclass === 1 && k < MAXNS) {
      if (!getName(buf, buf.length, r.dataPos)) return L.DIE;
      list[k++] = packetName();
    }
  }
  return L.HAVENS;
}

function cacheGeneric(q: QueryState, type: number, d: Uint8Array, data: Buffer, ttl: number): void {
  const klen = makeKey(type, d, domainLength(d));
  if (klen) q.ctx.cache.set(key, klen, data, data.length, ttl);
}

function ipText(ip: Uint8Array): string {
  return Buffer.from(ip).toString('hex');
}

/** Copies a record's data into the answer, decompressing the names in it. */
function copyData(buf: Buffer, type: number, pos: number, len: number): boolean {
  if (type === T_NS || type === T_CNAME || type === T_PTR) {
    return getName(buf, buf.length, pos) !== 0 && responseAddName(packetName());
  }
  if (type === T_MX) {
    if (pos + 2 > buf.length || !responseAddBytes(buf, pos, 2)) return false;
    return getName(buf, buf.length, pos + 2) !== 0 && responseAddName(packetName());
  }
  if (type === 6) {
    let p = getName(buf, buf.length, pos);
    if (!p || !responseAddName(packetName())) return false;
    p = getName(buf, buf.length, p);
    if (!p || !responseAddName(packetName())) return false;
    if (p + 20 > buf.length) return false;
    return responseAddBytes(buf, p, 20);
  }
  if (pos + len > buf.length) return false;
  return responseAddBytes(buf, pos, len);
}
