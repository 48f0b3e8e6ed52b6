// servers/: the addresses to ask for the root (`@`) and for configured domains (roots.c).
// Read once at start-up, relative to the current directory (the chroot).
import { readdirSync, readFileSync } from 'node:fs';
import { FortressError } from '@fortress/core/errors';
import { domainEqual, domainFromText } from './domain.js';

export interface Root {
  domain: Buffer;
  /** 16 IPv4 addresses, zero-filled. */
  servers: Buffer;
}

/** Parses a servers file: each line starting with a dotted quad, at most 16. */
export function parseServers(text: string): Buffer {
  const servers = Buffer.alloc(64);
  let n = 0;
  for (const line of text.split('\n')) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(line);
    if (!m || n > 60) continue;
    for (let i = 0; i < 4; i++) servers[n + i] = Number(m[i + 1]) & 255;
    n += 4;
  }
  return servers;
}

/** Reads DIR/servers (every entry not starting with a dot). Throws a FortressError, ERR_SERVERS. */
export function readRoots(dir = 'servers'): Root[] {
  const roots: Root[] = [];
  try {
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const text = readFileSync(`${dir}/${entry}`, 'latin1');
      const domain = domainFromText(entry === '@' ? '.' : entry);
      if (!domain) throw Object.assign(new Error('bad name'), { code: 'EINVAL' });
      roots.push({ domain, servers: parseServers(text) });
    }
  } catch (err) {
    throw new FortressError('ERR_SERVERS', 'unable to read servers', err);
  }
  return roots;
}

export class Roots {
  private readonly list: Root[];

  constructor(list: Root[]) {
    this.list = list;
  }

  private find(q: Uint8Array, pos = 0): number {
    for (let i = 0; i < this.list.length; i++) if (domainEqual(this.list[i]!.domain, q, 0, pos)) return i;
    return -1;
  }

  private search(q: Uint8Array): number {
    let p = 0;
    for (;;) {
      const r = this.find(q, p);
      if (r >= 0) return r;
      const c = q[p] ?? 0;
      if (!c) return -1;
      p += c + 1;
    }
  }

  /** Copies the configured servers of exactly q (from pos) into servers; false if q has none. */
  lookup(servers: Buffer, offset: number, q: Uint8Array, pos = 0): boolean {
    const r = this.find(q, pos);
    if (r < 0) return false;
    this.list[r]!.servers.copy(servers, offset);
    return true;
  }

  /** Whether both names fall under the same most specific servers/ entry (roots_same). */
  same(q: Uint8Array, q2: Uint8Array): boolean {
    return this.search(q) === this.search(q2);
  }
}
