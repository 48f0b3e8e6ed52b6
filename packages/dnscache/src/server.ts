// The listeners (dnscache.c's main loop): a UDP and a TCP front end on $IP:53, sharing the
// question numbers and the `stats` line; bound as root, attached to the resolver once
// privileges are dropped.
import type { Acl } from './acl.js';
import type { FrontShared } from './front-shared.js';
import { logStats } from './log.js';
import type { ResolverContext } from './resolver/query-state.js';
import { TcpFront } from './tcp-front.js';
import { UdpFront } from './udp-front.js';

export { addressHex } from './client-address.js';

export interface ServerOptions {
  ip: string;
  port: number;
  acl: Acl;
}

export class DnsServer {
  private readonly shared: FrontShared = { ctx: undefined!, queries: 0 };
  private readonly udp: UdpFront;
  private readonly tcp: TcpFront;
  private readonly options: ServerOptions;

  constructor(options: ServerOptions) {
    this.options = options;
    this.udp = new UdpFront(this.shared, options.acl);
    this.tcp = new TcpFront(this.shared, options.acl);
  }

  /** Sets what questions are resolved with (after privileges are dropped). */
  attach(resolver: Omit<ResolverContext, 'stats'>): void {
    this.shared.ctx = { ...resolver, stats: () => this.stats() };
  }

  private stats(): void {
    logStats(this.shared.queries, this.shared.ctx.cache.motion, this.udp.active, this.tcp.active);
  }

  /** Binds both sockets (as root); a failure carries `socket: 'UDP' | 'TCP'` for the message. */
  async bind(): Promise<void> {
    const { ip, port } = this.options;
    try {
      this.udp.bind(ip, port);
    } catch (err) {
      throw Object.assign(err as Error, { socket: 'UDP' });
    }
    try {
      await this.tcp.listen(ip, port);
    } catch (err) {
      this.udp.close();
      throw Object.assign(err as Error, { socket: 'TCP' });
    }
  }

  serve(): void {
    this.udp.serve();
    this.tcp.serve();
  }

  close(): void {
    this.udp.close();
    this.tcp.close();
  }
}
