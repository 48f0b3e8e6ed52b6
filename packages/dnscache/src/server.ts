// The listeners (dnscache.c): UDP and TCP on $IP, the ACL for every packet and connection,
// 200 UDP questions and 20 TCP connections at most, the oldest giving way to a new one.
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { errorText } from '@fortress/core/errors';
import type { Acl } from './acl.js';
import { hex4, logDrop, logLine, logQuery, logSent } from './log.js';
import { parseQuery } from './packet.js';
import { Query, type ResolverContext } from './query.js';
import { responseFor, responseLength } from './response.js';

const MAXUDP = 200;
const MAXTCP = 20;

export interface ServerOptions {
  ip: string;
  port: number;
  acl: Acl;
}

interface UdpClient {
  n: number;
  start: number;
  address: string;
  port: number;
  id: number;
  query: Query;
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
  udp: UdpSocket | undefined;
  tcp: Server | undefined;

  private readonly options: ServerOptions;

  constructor(options: ServerOptions) {
    this.options = options;
  }

  /** Sets what questions are resolved with (after privileges are dropped). */
  attach(resolver: Omit<ResolverContext, 'stats'>): void {
    this.ctx = { ...resolver, stats: () => this.stats() };
  }

  private stats(): void {
    logLine(`stats ${this.numQueries} ${this.ctx.cache.motion} ${this.udpClients.size} ${this.tcpClients.size}`);
  }

  /** Binds both sockets (as root, before privileges are dropped). */
  async bind(): Promise<void> {
    const { ip, port } = this.options;
    const udp = createSocket({ type: ip.includes(':') ? 'udp6' : 'udp4', reuseAddr: true, recvBufferSize: 131072 });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: ip, port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    }).catch((err) => {
      throw Object.assign(err as Error, { socket: 'UDP' });
    });
    try {
      udp.setRecvBufferSize(131072);
    } catch {}
    const tcp = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: ip, port, backlog: MAXTCP, exclusive: true }, () => {
        tcp.off('error', reject);
        resolve();
      });
    }).catch((err) => {
      udp.close();
      throw Object.assign(err as Error, { socket: 'TCP' });
    });
    this.udp = udp;
    this.tcp = tcp;
  }

  /** Starts serving. */
  serve(): void {
    this.udp!.on('message', (msg, rinfo) => this.udpNew(msg, rinfo));
    this.udp!.on('error', () => {});
    this.tcp!.on('connection', (s) => this.tcpNew(s));
    this.tcp!.on('error', () => {});
  }

  close(): void {
    this.udp?.close();
    this.tcp?.close();
    for (const c of this.udpClients) c.query.cancel();
    for (const c of this.tcpClients) c.socket.destroy();
  }

  private udpNew(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.udpClients.size >= MAXUDP) {
      const oldest = this.udpClients.values().next().value!;
      this.udpDrop(oldest, 'timed out');
    }
    if (msg.length >= 1024) return;
    if (rinfo.port < 1024 && rinfo.port !== 53) return;
    if (!this.options.acl.allowed(rinfo.address)) return;
    const q = parseQuery(msg, msg.length);
    if (!q) return;
    const n = ++this.numQueries;
    const client: UdpClient = { n, start: 0, address: rinfo.address, port: rinfo.port, id: q.id, query: undefined! };
    logQuery(n, clientHex(rinfo.address), rinfo.port, q.id, q.type, q.name);
    client.query = new Query(this.ctx, (r) => {
      if (!this.udpClients.has(client)) return;
      if (r === 1) this.udpRespond(client);
      else this.udpDrop(client, 'protocol error');
    });
    this.udpClients.add(client);
    let r: number;
    try {
      r = client.query.start(q.name, q.type, q.qclass);
    } catch {
      r = -1;
    }
    if (r === 1) this.udpRespond(client);
    else if (r === -1) this.udpDrop(client, 'protocol error');
  }

  private udpDrop(c: UdpClient, err: string): void {
    if (!this.udpClients.delete(c)) return;
    c.query.cancel();
    logDrop(c.n, err);
  }

  private udpRespond(c: UdpClient): void {
    if (!this.udpClients.delete(c)) return;
    const out = responseFor(c.id, true);
    this.udp!.send(out, c.port, c.address);
    logSent(c.n, out.length);
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
