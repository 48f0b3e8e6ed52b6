// The dashboard's HTTP server: the page, /events (server-sent events), /api/services, /metrics,
// and POST /control when a token was given. Every request's Host header is checked first.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { GroupMemory } from '../status/process-memory.js';
import { renderMetrics } from './metrics.js';
import { DashboardModel, type Tracked } from './model.js';
import { CONTROL_COMMANDS, contentSecurityPolicy, renderPage, renderRow } from './page.js';
import { allowedHosts, type Binding, hostAllowed, sameOrigin, tokenMatches } from './security.js';
import { control, memoryTable, readService } from './service-source.js';

const { createServer } = process.getBuiltinModule('node:http');

/** svc's letters per control button: restart is svc -t -u (TERM, and up should it be down). */
const LETTERS: Record<(typeof CONTROL_COMMANDS)[number], string> = { up: 'u', down: 'd', restart: 'tu', once: 'o' };
const MAX_BODY = 1024;
const MAX_STREAMS = 64;
const KEEPALIVE_MS = 25_000;

export interface DashboardOptions {
  scanDir: string;
  /** The control token; controls are off without it. */
  token: string | undefined;
}

export class Dashboard {
  readonly model: DashboardModel;
  readonly server: Server;
  private readonly token: string | undefined;
  private readonly streams = new Set<ServerResponse>();
  private readonly csp = contentSecurityPolicy();
  private hosts: Set<string> | undefined = new Set();
  private keepalive: NodeJS.Timeout | undefined;

  constructor(options: DashboardOptions) {
    this.token = options.token;
    this.model = new DashboardModel(options.scanDir, { control: this.token !== undefined });
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 15_000;
    // Loggers have no row of their own: their state reaches the page through their service's row.
    const isRow = (name: string): boolean => this.model.get(name)?.parent === undefined;
    this.model.on('change', (name, cells) => {
      if (isRow(name)) this.send('change', { name, cells });
    });
    this.model.on('log', (name, lines) => this.send('log', { name, lines }));
    this.model.on('remove', (name) => this.send('remove', { name }));
    this.model.on('add', (name) => {
      const list = this.model.rows();
      const at = list.findIndex((t) => t.entry.name === name);
      const t = list[at];
      if (t) this.send('add', { name, html: renderRow(t, this.control), after: list[at - 1]?.entry.name ?? null });
    });
  }

  private get control(): boolean {
    return this.token !== undefined;
  }

  /** Listens (after model.start()); resolves once bound, rejects on a bind error. */
  async listen(binding: Binding): Promise<Binding> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      if (binding.kind === 'socket') {
        // Only the caller may connect: the socket file is made with mode 0600.
        const mask = process.umask(0o077);
        this.server.listen(binding.path, () => resolve());
        process.umask(mask);
      } else {
        this.server.listen({ host: binding.ip, port: binding.port, exclusive: true }, () => resolve());
      }
    });
    const address = this.server.address();
    const bound: Binding =
      binding.kind === 'tcp' && address && typeof address === 'object' ? { ...binding, port: address.port } : binding;
    this.hosts = allowedHosts(bound);
    this.keepalive = setInterval(() => {
      for (const res of this.streams) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
    return bound;
  }

  close(): Promise<void> {
    clearInterval(this.keepalive);
    this.model.close();
    for (const res of this.streams) res.end();
    this.streams.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private send(event: string, data: unknown): void {
    if (this.streams.size === 0) return;
    const message = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.streams) res.write(message);
  }

  private reply(res: ServerResponse, status: number, type: string, body: string, head = false): undefined {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(head ? undefined : body);
  }

  private text(res: ServerResponse, status: number, body: string): undefined {
    this.reply(res, status, 'text/plain; charset=utf-8', `${body}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): undefined {
    if (!hostAllowed(req, this.hosts))
      return this.text(res, 403, 'forbidden: the Host header does not name this dashboard');
    const path = (req.url ?? '/').split('?')[0];
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/control') return this.controlRequest(req, res);
    if (!read) {
      res.setHeader('Allow', 'GET, HEAD');
      return this.text(res, 405, 'method not allowed');
    }
    const head = req.method === 'HEAD';
    switch (path) {
      case '/': {
        res.setHeader('Content-Security-Policy', this.csp);
        res.setHeader('X-Frame-Options', 'DENY');
        const page = renderPage(this.model.scanDir, this.model.rows(), this.control);
        return this.reply(res, 200, 'text/html; charset=utf-8', page, head);
      }
      case '/api/services':
        return this.reply(
          res,
          200,
          'application/json',
          `${JSON.stringify(this.fresh().map((t) => t.view.json))}\n`,
          head,
        );
      case '/metrics': {
        const services = this.fresh().map((t) => ({ view: t.view, logBytes: t.log?.bytesWritten }));
        return this.reply(res, 200, 'text/plain; version=0.0.4; charset=utf-8', renderMetrics(services), head);
      }
      case '/events':
        return this.events(req, res);
      default:
        return this.text(res, 404, 'not found');
    }
  }

  /** The services read again now (an API answer or a scrape is never older than the request). */
  private fresh(): Tracked[] {
    let table: GroupMemory | undefined;
    const memory = (): GroupMemory => {
      table ??= memoryTable();
      return table;
    };
    return this.model.services().map((t) => ({ ...t, view: readService(t.entry, memory) }));
  }

  private events(req: IncomingMessage, res: ServerResponse): undefined {
    if (this.streams.size >= MAX_STREAMS) return this.text(res, 503, 'too many live views open');
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.socket?.setNoDelay(true);
    // The page may be older than this stream: send every row once, so nothing in between is lost.
    let snapshot = 'retry: 2000\n\n';
    for (const t of this.model.rows()) {
      snapshot += `event: change\ndata: ${JSON.stringify({ name: t.entry.name, cells: t.cells, snapshot: true })}\n\n`;
      if (t.log)
        snapshot += `event: log\ndata: ${JSON.stringify({ name: t.entry.name, lines: t.log.lines, replace: true })}\n\n`;
    }
    res.write(snapshot);
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  private controlRequest(req: IncomingMessage, res: ServerResponse): undefined {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return this.text(res, 405, 'method not allowed: control is POST');
    }
    if (!sameOrigin(req)) return this.text(res, 403, 'forbidden: cross-site request');
    if (this.token === undefined)
      return this.text(res, 403, 'forbidden: control is off (start with --control TOKENFILE)');
    const given = req.headers['x-fortress-token'];
    if (!tokenMatches(this.token, typeof given === 'string' ? given : undefined))
      return this.text(res, 403, 'forbidden: wrong or missing X-Fortress-Token');
    let body = '';
    let tooLong = false;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) {
        tooLong = true;
        req.destroy();
      }
    });
    req.on('end', () => {
      if (tooLong) return;
      let request: { service?: unknown; command?: unknown };
      try {
        request = JSON.parse(body) as typeof request;
      } catch {
        return this.text(res, 400, 'bad request: expected {"service": NAME, "command": up|down|restart|once}');
      }
      const letters =
        typeof request.command === 'string' ? LETTERS[request.command as keyof typeof LETTERS] : undefined;
      if (letters === undefined || !Object.hasOwn(LETTERS, request.command as string))
        return this.text(res, 400, `bad request: command must be one of ${CONTROL_COMMANDS.join(', ')}`);
      const t = this.model.services().find((s) => s.entry.name === request.service);
      if (!t) return this.text(res, 404, 'no such service');
      const failure = control(t.entry.dir, letters);
      if (failure) return this.text(res, 502, failure);
      this.text(res, 200, 'sent');
    });
  }
}
