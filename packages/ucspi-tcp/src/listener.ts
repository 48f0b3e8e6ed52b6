// A listening socket that can stop accepting, as tcpserver does at its -c limit: new
// connections then wait in the kernel's backlog. Node cannot pause accept(), so the bound
// socket is kept on a descriptor of our own, and a net.Server runs over a dup of it while
// accepting; pausing closes that server (inside the connection callback, which also ends
// libuv's accept loop), resuming starts a new one over a fresh dup.
import { createServer, type Server, type Socket } from 'node:net';
import { dup } from './descriptors.js';

type Handle = { fd: number };
type ListenHandle = { listen(backlog: number): number };

export class PausableListener {
  private server: Server | undefined;
  private fd = -1;
  private retry: NodeJS.Timeout | undefined;

  private readonly backlog: number;
  private readonly onConnection: (socket: Socket) => void;
  private readonly onError: (err: Error) => void;

  constructor(backlog: number, onConnection: (socket: Socket) => void, onError: (err: Error) => void) {
    this.backlog = backlog;
    this.onConnection = onConnection;
    this.onError = onError;
  }

  /** Binds and listens; resolves with the bound port, rejects with the bind error. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = this.makeServer();
      server.once('error', reject);
      server.listen({ host, port, backlog: this.backlog, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', this.onError);
        this.fd = dup((server as unknown as { _handle: Handle })._handle.fd);
        this.server = server;
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get paused(): boolean {
    return this.server === undefined;
  }

  pause(): void {
    this.server?.close();
    this.server = undefined;
  }

  resume(): void {
    if (this.server || this.retry) return;
    try {
      const server = this.makeServer();
      server.on('error', this.onError);
      // Node takes the backlog of an fd listen from its second argument only (options.backlog is ignored).
      server.listen({ fd: dup(this.fd) }, this.backlog);
      // Node turns a backlog of 0 into 511 (`backlog || 511`): listen(2) again on its handle,
      // for the 0 that was asked (the kernel then still queues one connection).
      if (this.backlog === 0) (server as unknown as { _handle: ListenHandle })._handle.listen(0);
      this.server = server;
    } catch (err) {
      // Out of descriptors: try again shortly rather than stop serving.
      this.onError(err as Error);
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.resume();
      }, 100);
    }
  }

  private makeServer(): Server {
    return createServer({ pauseOnConnect: true }, this.onConnection);
  }
}
