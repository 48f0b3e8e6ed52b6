// The state of one question being resolved (struct query in query.c), shared by the modules
// that move it on: query.ts (the state machine), query-cache.ts (answers and servers from the
// cache), query-answer.ts (taking in an upstream answer). Its fields are theirs alone.
import type { Cache } from '../cache.js';
import { responseCname, responseQuery } from '../response.js';
import type { Roots } from '../roots.js';
import type { Transmit } from '../transmit.js';

export const MAXLEVEL = 5;
export const MAXALIAS = 16;
export const MAXNS = 16;
export const MAXLOOP = 100;

export interface ResolverContext {
  cache: Cache;
  roots: Roots;
  forwardOnly: boolean;
  localIp: string;
  /** Writes the `stats` line. */
  stats(): void;
}

/** The cache key being looked up: type, then the lowercased name. */
export const key = Buffer.alloc(257);

/** Fills the module key buffer with type + lowercased name; returns the key length or 0. */
export function makeKey(type: number, d: Uint8Array, dlen: number, pos = 0): number {
  if (dlen > 255) return 0;
  key[0] = type >> 8;
  key[1] = type & 255;
  for (let i = 0; i < dlen; i++) {
    const c = d[pos + i]!;
    key[2 + i] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  return dlen + 2;
}

// Labels of the original's gotos; kept apart from the results 1, 0 and -1.
export const L = {
  NEWNAME: 10,
  HAVENS: 11,
  LOWERLEVEL: 12,
  HAVEPACKET: 13,
  CNAME: 14,
  NXDOMAIN: 15,
  SERVFAIL: 16,
  DIE: 17,
} as const;

export class QueryState {
  loop = 0;
  level = 0;
  readonly name: (Buffer | null)[] = [null, null, null, null, null];
  readonly control: Buffer[] = [];
  readonly ns: (Buffer | null)[][] = [];
  servers: Buffer | undefined;
  readonly alias: (Buffer | null)[] = [];
  readonly aliasTtl: number[] = [];
  dt: Transmit | undefined;
  cname: Buffer | null = null;
  cnameTtl = 0;
  /** Set while resolving: the pending state for the next step. */
  type = 0;
  qclass = 0;

  readonly ctx: ResolverContext;

  constructor(ctx: ResolverContext) {
    this.ctx = ctx;
  }

  /** Back to a fresh state (query_start zeroes the whole struct), keeping buffers for reuse. */
  reset(): void {
    this.loop = 0;
    this.level = 0;
    this.name.fill(null);
    this.control.length = 0;
    for (const l of this.ns) l?.fill(null);
    this.servers?.fill(0);
    this.alias.length = 0;
    this.aliasTtl.length = 0;
    this.cname = null;
    this.cnameTtl = 0;
    this.type = 0;
    this.qclass = 0;
  }

  srv(): Buffer {
    if (!this.servers) this.servers = Buffer.alloc(64 * MAXLEVEL);
    return this.servers;
  }

  nsList(level: number): (Buffer | null)[] {
    let l = this.ns[level];
    if (!l) {
      l = new Array<Buffer | null>(MAXNS).fill(null);
      this.ns[level] = l;
    }
    return l;
  }

  clearNs(level: number): void {
    const l = this.ns[level];
    if (l) l.fill(null);
  }

  /** Adds addresses to the first empty slots of the servers of the level above. */
  addServer(ip: Uint8Array, pos: number): void {
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
  rqa(): boolean {
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
}
