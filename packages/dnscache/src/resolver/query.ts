// Resolving one client question (query.c): cache first, then iterative resolution from the
// configured servers following referrals, NS names resolved at deeper levels, CNAME chains,
// bailiwick checks, negative caching. `start` and the transmit callback drive one state
// machine; its result is 1 (answer in response.ts), 0 (waiting upstream) or -1 (drop).
import { domainLength } from '../domain.js';
import { logInternalError, logLine, logTx, name } from '../log.js';
import { T_A, T_PTR, typeMatch } from '../packet.js';
import { shuffleServers } from '../random.js';
import {
  responseAddBytes,
  responseAddName,
  responseNxdomain,
  responseRFinish,
  responseRStart,
  responseServfail,
} from '../response.js';
import { globalIp, isLocalhostPtr, LOCALHOST } from '../special.js';
import { Transmit } from '../transmit.js';
import { havePacket } from './query-answer.js';
import { findServers, fromCache } from './query-cache.js';
import { L, MAXALIAS, MAXLEVEL, MAXLOOP, MAXNS, QueryState, type ResolverContext } from './query-state.js';

export type QueryDone = (result: 1 | -1) => void;

export class Query extends QueryState {
  /** Called with the result when it comes later than start (set anew for each question). */
  done: QueryDone;

  constructor(ctx: ResolverContext, done: QueryDone) {
    super(ctx);
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

  private onTransmit = (ok: boolean): void => {
    let r: number;
    try {
      r = this.doit(ok ? L.HAVEPACKET : -1);
    } catch (err) {
      logInternalError('answer of an upstream server', err);
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
            const r = fromCache(this, d, dlen, dtype);
            if (r === 1 || r === -1) return r;
            if (r === L.NXDOMAIN || r === L.CNAME || r === L.LOWERLEVEL) {
              label = r;
              ttl = cache.ttl;
              continue;
            }
          }
          label = findServers(this, d) ? L.HAVENS : L.DIE;
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
          logTx(this.level, qtype, q, this.control[this.level]!, s, base);
          this.dt ??= new Transmit();
          this.dt.start(s, base, ctx.forwardOnly, q, qtype, ctx.localIp, this.onTransmit);
          return 0;
        }
        case L.LOWERLEVEL:
          this.name[this.level] = null;
          this.clearNs(this.level);
          this.level--;
          label = L.HAVENS;
          continue;
        case L.HAVEPACKET: {
          const r = havePacket(this);
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
}
