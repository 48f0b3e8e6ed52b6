// The listeners (dnscache.c): UDP and TCP on $IP, the ACL for every packet and connection,
// 200 UDP questions and 20 TCP connections at most, the oldest giving way to a new one.
import { createServer, type Server, type Socket } from 'node:net';
import { errorText } from '@fortress/core/errors';
import type { Acl } from './acl.js';
import { hex4, logDrop, logLine, logQuery, logSent, logStats } from './log.js';
import { parseQuery } from './packet.js';
import { Query, type ResolverContext } from './query.js';
import { responseFor, responseInto, responseLength } from './response.js';
import { addon, addressBytes, addressText, check, type Handle, META, META_INTS, Slots } from './udp.js';

const MAXUDP = 200;
const MAXTCP = 20;
/** Datagrams read per batch; questions of 1024 bytes or more are dropped, answers are ≤ 512. */
const BATCH = 64;
const QUESTION_SLOT = 1024;
const ANSWER_SLOT = 512;

export interface ServerOptions {
  ip: string;
  port: number;
  acl: Acl;
}

interface UdpClient {
  n: number;
  /** The client's meta entry (port, family, address as four int32s), copied out of the receive
   * batch into plain fields: no typed array is made per question. */
  port: number;
  family: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  id: number;
  query: Query;
}

/** A client address's text (for ip/) and hex (for the log), remembered per address. */
interface Client {
  text: string;
  hex: string;
}

interface TcpClient {
  n: number;
  start: number;
  socket: Socket;
  label: string;
  /** True while a question is being resolved. */
  busy: boolean;
  pending: Buffer;
  query: Query | undefined;
  id: number;
}

const hexOf = new Map<string, string>();
const clients4 = new Map<number, Client>();

/** The client in a meta entry (remembered: clients are few and ask often). */
function clientOf(metaBytes: Uint8Array, meta: Int32Array, at: number): Client {
  const family = meta[(at >> 2) + 2]!;
  if (family === 4) {
    const key = meta[(at >> 2) + 4]!;
    let c = clients4.get(key);
    if (c === undefined) {
      if (clients4.size > 10000) clients4.clear();
      const text = addressText(metaBytes, at, 4);
      c = { text, hex: addressHex(text) };
      clients4.set(key, c);
    }
    return c;
  }
  const text = addressText(metaBytes, at, family);
  return { text, hex: clientHex(text) };
}

/** 127.0.0.1 → 7f000001 (remembered: clients are few and ask often). */
function clientHex(address: string): string {
  let h = hexOf.get(address);
  if (h === undefined) {
    if (hexOf.size > 10000) hexOf.clear();
    h = addressHex(address);
    hexOf.set(address, h);
  }
  return h;
}

/** 127.0.0.1 → 7f000001; IPv6 addresses as 32 hex digits. */
export function addressHex(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return addressHex(address.slice(7));
  if (address.includes(':')) {
    const [head = '', tail = ''] = address.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = address.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return groups.map((g) => g.padStart(4, '0')).join('');
  }
  let out = '';
  for (const part of address.split('.')) out += (Number(part) & 255).toString(16).padStart(2, '0');
  return out;
}

export class DnsServer {
  private numQueries = 0;
  private readonly udpClients = new Set<UdpClient>();
  private readonly tcpClients = new Set<TcpClient>();
  private ctx: ResolverContext = undefined!;
  private udpFd = -1;
  private udp: Handle | undefined;
  tcp: Server | undefined;
  private readonly rx = new Slots(BATCH, QUESTION_SLOT);
  private readonly tx = new Slots(BATCH, ANSWER_SLOT);
  private txCount = 0;
  /** Queries of finished UDP questions, reused: a question's state is some 20 objects. */
  private readonly spare: Query[] = [];
  private flushQueued = false;
  private inBatch = false;

  private readonly options: ServerOptions;

  constructor(options: ServerOptions) {
    this.options = options;
  }

  /** Sets what questions are resolved with (after privileges are dropped). */
  attach(resolver: Omit<ResolverContext, 'stats'>): void {
    this.ctx = { ...resolver, stats: () => this.stats() };
  }

  private stats(): void {
    logStats(this.numQueries, this.ctx.cache.motion, this.udpClients.size, this.tcpClients.size);
  }

  /** Binds both sockets (as root, before privileges are dropped). */
  async bind(): Promise<void> {
    const { ip, port } = this.options;
    try {
      this.udpFd = check('bind', addon.bind(ip.includes(':') ? 6 : 4, addressBytes(ip), port, 131072));
    } catch (err) {
      throw Object.assign(err as Error, { socket: 'UDP' });
    }
    const tcp = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: ip, port, backlog: MAXTCP, exclusive: true }, () => {
        tcp.off('error', reject);
        resolve();
      });
    }).catch((err) => {
      addon.closeFd(this.udpFd);
      this.udpFd = -1;
      throw Object.assign(err as Error, { socket: 'TCP' });
    });
    this.tcp = tcp;
  }

  /** Starts serving. */
  serve(): void {
    const { rx } = this;
    this.udp = addon.listen(this.udpFd, rx.data, rx.metaBytes, rx.count, rx.size, (n) => this.udpBatch(n));
    this.tcp!.on('connection', (s) => this.tcpNew(s));
    this.tcp!.on('error', () => {});
  }

  close(): void {
    if (this.udp) addon.close(this.udp);
    else if (this.udpFd >= 0) addon.closeFd(this.udpFd);
    this.udp = undefined;
    this.udpFd = -1;
    this.tcp?.close();
    for (const c of this.udpClients) c.query.cancel();
    for (const c of this.tcpClients) c.socket.destroy();
  }

  /** n questions arrived in the receive slots; the answers ready at once go out together. */
  private udpBatch(n: number): void {
    const { rx } = this;
    this.inBatch = true;
    try {
      for (let i = 0; i < n; i++) {
        const len = rx.meta[i * META_INTS]!;
        try {
          this.udpNew(rx.data, i * rx.size, len, i * META);
        } catch {}
      }
    } finally {
      this.inBatch = false;
      this.flush();
    }
  }

  private udpNew(data: Buffer, offset: number, len: number, at: number): void {
    if (this.udpClients.size >= MAXUDP) {
      const oldest = this.udpClients.values().next().value!;
      this.udpDrop(oldest, 'timed out');
    }
    if (len < 0 || len >= 1024) return;
    const { meta, metaBytes } = this.rx;
    const port = meta[(at >> 2) + 1]!;
    if (port < 1024 && port !== 53) return;
    const client = clientOf(metaBytes, meta, at);
    if (!this.options.acl.allowed(client.text)) return;
    const msg = data.subarray(offset, offset + len);
    const q = parseQuery(msg, len);
    if (!q) return;
    const n = ++this.numQueries;
    logQuery(n, client.hex, port, q.id, q.type, q.name);
    const m = at >> 2;
    const c: UdpClient = {
      n,
      port,
      family: meta[m + 2]!,
      a0: meta[m + 4]!,
      a1: meta[m + 5]!,
      a2: meta[m + 6]!,
      a3: meta[m + 7]!,
      id: q.id,
      query: undefined!,
    };
    const done = (r: 1 | -1): void => {
      if (!this.udpClients.has(c)) return;
      if (r === 1) this.udpRespond(c);
      else this.udpDrop(c, 'protocol error');
    };
    const spare = this.spare.pop();
    if (spare) spare.done = done;
    c.query = spare ?? new Query(this.ctx, done);
    this.udpClients.add(c);
    let r: number;
    try {
      r = c.query.start(q.name, q.type, q.qclass);
    } catch {
      r = -1;
    }
    if (r === 1) this.udpRespond(c);
    else if (r === -1) this.udpDrop(c, 'protocol error');
  }

  private udpDrop(c: UdpClient, err: string): void {
    if (!this.udpClients.delete(c)) return;
    this.release(c.query);
    logDrop(c.n, err);
  }

  /** A finished question's Query goes back for reuse (its transmit stopped first). */
  private release(q: Query): void {
    q.cancel();
    if (this.spare.length >= MAXUDP) return;
    q.reset();
    this.spare.push(q);
  }

  /** Puts the answer in the next send slot; sent with the batch, or at the end of this turn. */
  private udpRespond(c: UdpClient): void {
    if (!this.udpClients.delete(c)) return;
    const { tx } = this;
    this.release(c.query);
    if (this.txCount === tx.count) this.flush();
    const i = this.txCount++;
    const len = responseInto(c.id, true, tx.data, i * tx.size);
    const m = i * META_INTS;
    const meta = tx.meta;
    meta[m] = len;
    meta[m + 1] = c.port;
    meta[m + 2] = c.family;
    meta[m + 4] = c.a0;
    meta[m + 5] = c.a1;
    meta[m + 6] = c.a2;
    meta[m + 7] = c.a3;
    logSent(c.n, len);
    if (!this.inBatch && !this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (!this.txCount || !this.udp) {
      this.txCount = 0;
      return;
    }
    addon.send(this.udp, this.tx.data, this.tx.metaBytes, this.txCount, this.tx.size);
    this.txCount = 0;
  }

  private tcpNew(s: Socket): void {
    if (this.tcpClients.size >= MAXTCP) {
      const oldest = this.tcpClients.values().next().value!;
      if (oldest.busy) this.tcpDrop(oldest);
      else this.tcpClose(oldest, 'timed out');
    }
    const address = s.remoteAddress ?? '';
    const port = s.remotePort ?? 0;
    s.on('error', () => {});
    if ((port < 1024 && port !== 53) || !this.options.acl.allowed(address)) {
      s.destroy();
      return;
    }
    const c: TcpClient = {
      n: 0,
      start: 0,
      socket: s,
      label: `${addressHex(address)}:${hex4(port)}`,
      busy: false,
      pending: Buffer.alloc(0),
      query: undefined,
      id: 0,
    };
    this.tcpClients.add(c);
    logLine(`tcpopen ${c.label}`);
    s.setTimeout(10000);
    s.on('timeout', () => this.tcpClose(c, 'temporary failure'));
    s.on('data', (chunk) => {
      c.pending = c.pending.length ? Buffer.concat([c.pending, chunk]) : chunk;
      this.tcpNext(c);
    });
    s.on('end', () => this.tcpClose(c, 'broken pipe'));
    s.on('error', (err) => this.tcpClose(c, errorText(err)));
    s.on('close', () => this.tcpClose(c, 'broken pipe'));
  }

  /** Takes the next complete question off the connection, if not busy with one. */
  private tcpNext(c: TcpClient): void {
    if (c.busy || !this.tcpClients.has(c) || c.pending.length < 2) return;
    const len = c.pending.readUInt16BE(0);
    if (len === 0) {
      this.tcpClose(c, 'protocol error');
      return;
    }
    if (c.pending.length < 2 + len) return;
    const packet = c.pending.subarray(2, 2 + len);
    c.pending = c.pending.subarray(2 + len);
    const q = parseQuery(packet, len);
    if (!q) {
      this.tcpClose(c, 'protocol error');
      return;
    }
    const n = ++this.numQueries;
    c.n = n;
    c.id = q.id;
    c.busy = true;
    c.socket.setTimeout(0);
    const { remoteAddress = '', remotePort = 0 } = c.socket;
    logQuery(n, clientHex(remoteAddress), remotePort, q.id, q.type, q.name);
    const query = new Query(this.ctx, (r) => {
      if (c.query !== query) return;
      if (r === 1) this.tcpRespond(c);
      else this.tcpDrop(c);
    });
    c.query = query;
    let r: number;
    try {
      r = query.start(q.name, q.type, q.qclass);
    } catch {
      r = -1;
    }
    if (r === 1) this.tcpRespond(c);
    else if (r === -1) this.tcpDrop(c);
  }

  private tcpRespond(c: TcpClient): void {
    if (!this.tcpClients.has(c)) return;
    logSent(c.n, responseLength);
    const out = responseFor(c.id, false);
    const framed = Buffer.allocUnsafe(out.length + 2);
    framed.writeUInt16BE(out.length, 0);
    out.copy(framed, 2);
    c.query = undefined;
    c.busy = false;
    c.socket.setTimeout(10000);
    c.socket.write(framed, () => this.tcpNext(c));
  }

  private tcpDrop(c: TcpClient): void {
    if (!this.tcpClients.has(c)) return;
    logDrop(c.n, 'protocol error');
    this.tcpClose(c, 'broken pipe');
  }

  private tcpClose(c: TcpClient, err: string): void {
    if (!this.tcpClients.delete(c)) return;
    c.query?.cancel();
    c.query = undefined;
    logLine(`tcpclose ${c.label} ${err}`);
    c.socket.destroy();
  }
}
