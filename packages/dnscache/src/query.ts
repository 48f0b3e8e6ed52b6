// Resolving one client question (query.c): cache first, then iterative resolution from the
// configured servers following referrals, NS names resolved at deeper levels, CNAME chains,
// bailiwick checks, negative caching. `start` and the transmit callback drive one state
// machine; its result is 1 (answer in response.ts), 0 (waiting upstream) or -1 (drop).

import { absorb } from './absorb.js';
import type { Cache } from './cache.js';
import { domainEqual, domainLength, domainSuffix, domainSuffixPos } from './domain.js';
import { logLine, logTx, name } from './log.js';
import { getName, packetName, T_A, T_ANY, T_AXFR, T_CNAME, T_MX, T_NS, T_PTR, typeMatch, u16 } from './packet.js';
import { shuffleServers } from './random.js';
import { parseSections, ttlGet } from './records.js';
import {
  responseAddBytes,
  responseAddName,
  responseCname,
  responseNxdomain,
  responseQuery,
  responseRFinish,
  responseRStart,
  responseServfail,
} from './response.js';
import type { Roots } from './roots.js';
import { globalIp, isLocalhostPtr, LOCALHOST } from './special.js';
import { Transmit } from './transmit.js';

const MAXLEVEL = 5;
const MAXALIAS = 16;
const MAXNS = 16;
const MAXLOOP = 100;

export interface ResolverContext {
  cache: Cache;
  roots: Roots;
  forwardOnly: boolean;
  localIp: string;
  /** Writes the `stats` line. */
  stats(): void;
}

const key = Buffer.alloc(257);
const CACHED_KINDS = [T_NS, T_PTR, T_MX, T_A];

/** Fills the module key buffer with type + lowercased name; returns the key length or 0. */
function makeKey(type: number, d: Uint8Array, dlen: number): number {
  if (dlen > 255) return 0;
  key[0] = type >> 8;
  key[1] = type & 255;
  for (let i = 0; i < dlen; i++) {
    const c = d[i]!;
    key[2 + i] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  return dlen + 2;
}

// Labels of the original's gotos; kept apart from the results 1, 0 and -1.
const L = {
  NEWNAME: 10,
  HAVENS: 11,
  LOWERLEVEL: 12,
  HAVEPACKET: 13,
  CNAME: 14,
  NXDOMAIN: 15,
  SERVFAIL: 16,
  DIE: 17,
} as const;

export type QueryDone = (result: 1 | -1) => void;

export class Query {
  private loop = 0;
  private level = 0;
  private readonly name: (Buffer | null)[] = [null, null, null, null, null];
  private readonly control: Buffer[] = [];
  private readonly ns: (Buffer | null)[][] = [];
  private servers: Buffer | undefined;
  private readonly alias: (Buffer | null)[] = [];
  private readonly aliasTtl: number[] = [];
  private dt: Transmit | undefined;
  private cname: Buffer | null = null;
  private cnameTtl = 0;
  /** Set while resolving: the pending state for the next step. */
  private type = 0;
  private qclass = 0;

  private readonly ctx: ResolverContext;
  private readonly done: QueryDone;

  constructor(ctx: ResolverContext, done: QueryDone) {
    this.ctx = ctx;
    this.done = done;
  }

  /** Starts on a client question; 1 = answer ready, 0 = later through done, -1 = drop. */
  start(q: Buffer, type: number, qclass: number): number {
    this.name[0] = q;
    this.type = type;
    this.qclass = qclass;
    return this.doit(L.NEWNAME);
  }

  /** Abandons the question (its slot was taken). */
  cancel(): void {
    this.dt?.free();
  }

  private srv(): Buffer {
    if (!this.servers) this.servers = Buffer.alloc(64 * MAXLEVEL);
    return this.servers;
  }

  private nsList(level: number): (Buffer | null)[] {
    let l = this.ns[level];
    if (!l) {
      l = new Array<Buffer | null>(MAXNS).fill(null);
      this.ns[level] = l;
    }
    return l;
  }

  private clearNs(level: number): void {
    const l = this.ns[level];
    if (l) l.fill(null);
  }

  /** Adds addresses to the first empty slots of the servers of the level above. */
  private addServer(ip: Uint8Array, pos: number): void {
    const s = this.srv();
    const base = 64 * (this.level - 1);
    for (let k = 0; k < 64; k += 4) {
      if (!(s[base + k]! | s[base + k + 1]! | s[base + k + 2]! | s[base + k + 3]!)) {
        s.set(ip.subarray(pos, pos + 4), base + k);
        return;
      }
    }
  }

  /** Writes the question and the CNAME chain collected so far (rqa). */
  private rqa(): boolean {
    for (let i = MAXALIAS - 1; i >= 0; i--) {
      if (!this.alias[i]) continue;
      if (!responseQuery(this.alias[i]!, this.type, this.qclass)) return false;
      for (; i > 0; i--) {
        if (!responseCname(this.alias[i]!, this.alias[i - 1]!, this.aliasTtl[i]!)) return false;
      }
      return responseCname(this.alias[0]!, this.name[0]!, this.aliasTtl[0]!);
    }
    return responseQuery(this.name[0]!, this.type, this.qclass);
  }

  private onTransmit = (ok: boolean): void => {
    let r: number;
    try {
      r = this.doit(ok ? L.HAVEPACKET : -1);
    } catch {
      r = -1;
    }
    if (r !== 0) this.done(r as 1 | -1);
  };

  private doit(start: number): number {
    const ctx = this.ctx;
    const cache = ctx.cache;
    let label = start;
    let d: Buffer = this.name[this.level]!;
    let dtype = 0;
    let ttl = 0;
    if (start === -1) {
      logLine(`servfail ${name(this.name[this.level]!)} input/output error`);
      label = L.SERVFAIL;
    }
    for (;;) {
      switch (label) {
        case L.NEWNAME: {
          if (++this.loop === MAXLOOP) return -1;
          d = this.name[this.level]!;
          dtype = this.level ? T_A : this.type;
          const dlen = domainLength(d);
          const ip = globalIp(d);
          if (ip) {
            if (this.level) {
              this.addServer(ip, 0);
              label = L.LOWERLEVEL;
              continue;
            }
            if (!this.rqa()) return -1;
            if (typeMatch(T_A, dtype)) {
              if (!responseRStart(d, T_A, 655360)) return -1;
              responseAddBytes(ip, 0, 4);
              responseRFinish();
            }
            return 1;
          }
          if (isLocalhostPtr(d)) {
            if (this.level) {
              label = L.LOWERLEVEL;
              continue;
            }
            if (!this.rqa()) return -1;
            if (typeMatch(T_PTR, dtype)) {
              if (!responseRStart(d, T_PTR, 655360)) return -1;
              if (!responseAddName(LOCALHOST)) return -1;
              responseRFinish();
            }
            ctx.stats();
            return 1;
          }
          if (dlen <= 255) {
            const r = this.fromCache(d, dlen, dtype);
            if (r === 1 || r === -1) return r;
            if (r === L.NXDOMAIN || r === L.CNAME || r === L.LOWERLEVEL) {
              label = r;
              ttl = cache.ttl;
              continue;
            }
          }
          label = this.findServers(d) ? L.HAVENS : L.DIE;
          continue;
        }
        case L.HAVENS: {
          const list = this.ns[this.level];
          let pushed = false;
          if (list) {
            for (let j = 0; j < MAXNS; j++) {
              const n = list[j];
              if (!n) continue;
              list[j] = null;
              if (this.level + 1 < MAXLEVEL) {
                this.name[this.level + 1] = n;
                this.level++;
                pushed = true;
                break;
              }
            }
          }
          if (pushed) {
            label = L.NEWNAME;
            continue;
          }
          const s = this.srv();
          const base = 64 * this.level;
          let any = false;
          for (let j = 0; j < 64; j++) if (s[base + j]) any = true;
          if (!any) {
            label = L.SERVFAIL;
            continue;
          }
          shuffleServers(s, base);
          const q = this.name[this.level]!;
          const qtype = this.level ? T_A : this.type;
          const block = s.subarray(base, base + 64);
          logTx(this.level, qtype, q, this.control[this.level]!, block);
          this.dt ??= new Transmit();
          this.dt.start(block, ctx.forwardOnly, q, qtype, ctx.localIp, this.onTransmit);
          return 0;
        }
        case L.LOWERLEVEL:
          this.name[this.level] = null;
          this.clearNs(this.level);
          this.level--;
          label = L.HAVENS;
          continue;
        case L.HAVEPACKET: {
          const r = this.havePacket();
          if (typeof r === 'number') {
            if (r === L.CNAME) ttl = this.cnameTtl;
            label = r;
            continue;
          }
          return r.result;
        }
        case L.CNAME:
          if (!this.level) {
            if (this.alias[MAXALIAS - 1]) return -1;
            for (let j = MAXALIAS - 1; j > 0; j--) {
              this.alias[j] = this.alias[j - 1] ?? null;
              this.aliasTtl[j] = this.aliasTtl[j - 1] ?? 0;
            }
            this.alias[0] = this.name[0]!;
            this.aliasTtl[0] = ttl;
          }
          this.name[this.level] = this.cname;
          label = L.NEWNAME;
          continue;
        case L.NXDOMAIN:
          if (this.level) {
            label = L.LOWERLEVEL;
            continue;
          }
          if (!this.rqa()) return -1;
          responseNxdomain();
          return 1;
        case L.SERVFAIL:
          if (this.level) {
            label = L.LOWERLEVEL;
            continue;
          }
          if (!this.rqa()) return -1;
          responseServfail();
          return 1;
        default:
          return -1;
      }
    }
  }

  /**
   * Answers from the cache: 1 answered, -1 failed, L.NXDOMAIN / L.CNAME (this.cname set) /
   * L.LOWERLEVEL to continue there, 0 when the cache has nothing.
   */
  private fromCache(d: Buffer, dlen: number, dtype: number): number {
    const cache = this.ctx.cache;
    const buf = cache.buffer;
    let klen = makeKey(T_ANY, d, dlen);
    if (cache.get(key, klen)) {
      logLine(`cached nxdomain ${name(d)}`);
      return L.NXDOMAIN;
    }
    klen = makeKey(T_CNAME, d, dlen);
    if (cache.get(key, klen)) {
      const target = Buffer.from(buf.subarray(cache.dataPos, cache.dataPos + cache.dataLen));
      if (typeMatch(T_CNAME, dtype)) {
        logLine(`cached ${T_CNAME} ${name(d)}`);
        if (!this.rqa()) return -1;
        if (!responseCname(this.name[0]!, target, cache.ttl)) return -1;
        return 1;
      }
      logLine(`cached cname ${name(d)} ${name(target)}`);
      this.cname = target;
      return L.CNAME;
    }
    for (const t of CACHED_KINDS) {
      if (!typeMatch(t, dtype)) continue;
      klen = makeKey(t, d, dlen);
      if (!cache.get(key, klen) || !(cache.dataLen || dtype !== T_ANY)) continue;
      const cached = buf.subarray(cache.dataPos, cache.dataPos + cache.dataLen);
      const ttl = cache.ttl;
      logLine(`cached ${t} ${name(d)}`);
      if (t === T_A && this.level) {
        for (let p = 0; p + 4 <= cached.length; p += 4) this.addServer(cached, p);
        return L.LOWERLEVEL;
      }
      if (!this.rqa()) return -1;
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
        logLine(`cached ${dtype} ${name(d)}`);
        if (!this.rqa()) return -1;
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
  private findServers(name0: Buffer): boolean {
    const cache = this.ctx.cache;
    let d = name0;
    for (;;) {
      if (this.ctx.roots.lookup(this.srv(), 64 * this.level, d)) {
        this.clearNs(this.level);
        this.control[this.level] = d;
        return true;
      }
      const dlen = domainLength(d);
      if (!this.ctx.forwardOnly && this.level < 2 && dlen < 255) {
        const klen = makeKey(T_NS, d, dlen);
        if (cache.get(key, klen) && cache.dataLen) {
          const cached = Buffer.from(cache.buffer.subarray(cache.dataPos, cache.dataPos + cache.dataLen));
          this.control[this.level] = d;
          this.srv().fill(0, 64 * this.level, 64 * this.level + 64);
          this.clearNs(this.level);
          const list = this.nsList(this.level);
          let pos = 0;
          let j = 0;
          for (;;) {
            pos = getName(cached, cached.length, pos);
            if (!pos) break;
            const ns = packetName();
            logLine(`cached ns ${name(d)} ${name(ns)}`);
            if (j < MAXNS) list[j++] = ns;
          }
          return true;
        }
      }
      if (!d[0]) return false;
      d = d.subarray(d[0] + 1);
    }
  }

  /** Takes in the answer the transmit accepted (query.c after HAVEPACKET). */
  private havePacket(): number | { result: number } {
    if (++this.loop === MAXLOOP) return L.DIE;
    const dt = this.dt!;
    const buf = dt.packet;
    const level = this.level;
    const s = this.srv();
    const whichPos = 64 * level + 4 * dt.server;
    const server = Buffer.from(s.subarray(whichPos, whichPos + 4));
    const control = this.control[level]!;
    const d = this.name[level]!;
    const dtype = level ? T_A : this.type;
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
        this.cname = packetName();
        flagCname = true;
        this.cnameTtl = ttlGet(r.ttl);
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

    absorb(this.ctx, buf, sec, server, control);

    if (flagCname) return L.CNAME;
    if (rcode === 3) {
      logLine(`nxdomain ${ipText(server)} ${soaTtl} ${name(d)}`);
      this.cacheGeneric(T_ANY, d, Buffer.alloc(0), soaTtl);
      return L.NXDOMAIN;
    }
    if (!flagOut && flagSoa && dtype !== T_ANY && dtype !== T_AXFR && dtype !== T_CNAME) {
      this.cacheGeneric(dtype, d, Buffer.alloc(0), soaTtl);
      logLine(`nodata ${ipText(server)} ${soaTtl} ${dtype} ${name(d)}`);
    }
    this.ctx.stats();

    if (flagOut || flagSoa || !flagReferral) {
      if (level) {
        for (let j = 0; j < sec.answers; j++) {
          const r = sec.records[j]!;
          if (domainEqual(r.name, d) && typeMatch(r.type, T_A) && r.rclass === 1 && r.dataLen === 4) {
            this.addServer(buf, r.dataPos);
          }
        }
        return L.LOWERLEVEL;
      }
      if (!this.rqa()) return L.DIE;
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
    this.control[level] = d.subarray(at);
    s.fill(0, 64 * level, 64 * level + 64);
    this.clearNs(level);
    const list = this.nsList(level);
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

  private cacheGeneric(type: number, d: Uint8Array, data: Buffer, ttl: number): void {
    const klen = makeKey(type, d, domainLength(d));
    if (klen) this.ctx.cache.set(key, klen, data, data.length, ttl);
  }
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

export { key as cacheKey, makeKey };
