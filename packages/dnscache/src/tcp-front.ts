// The TCP front end (dnscache.c's t_new, t_rw, t_respond, t_drop, t_close): DNS over TCP with a
// two-byte length before each message, one question at a time per connection, as the original:
// * at most 20 connections; a 21st closes the oldest (`tcpclose … timed out`, or
//   `drop N timed out` when it was waiting for an answer);
// * nothing is read while a question is resolved or its answer written (so a client that sends
//   and never reads holds one question and one answer, not an ever-growing buffer);
// * 10 s without progress while reading or writing closes the connection
//   (`tcpclose … temporary failure`); no limit while the resolver works (it has its own).
// Connections are accepted at once: the listen backlog is Node's 511 rather than the original's
// 20, under which a burst of connections lost SYNs and waited a second or more for a retry.
import { createServer, type Server, type Socket } from 'node:net';
import { errorText } from '@fortress/core/errors';
import { clientHex } from './client-address.js';
import { Front, refusedSourcePort } from './front-shared.js';
import { hex4, logDrop, logInternalError, logLine, logQuery, logSent } from './log.js';
import { parseQuery } from './packet.js';
import { Query } from './resolver/query.js';
import { responseFor, responseLength } from './response.js';

const MAXTCP = 20;
const IDLE_MS = 10000;
const BACKLOG = 511;

const READING = 0;
const RESOLVING = 1;
const WRITING = 2;

interface TcpClient {
  socket: Socket;
  /** IPHEX:PORT, as tcpopen and tcpclose show it. */
  label: string;
  hex: string;
  port: number;
  state: typeof READING | typeof RESOLVING | typeof WRITING;
  /** The message being read: its length (once both bytes of it are in), the bytes so far. */
  lengthBytes: number;
  length: number;
  body: Buffer | undefined;
  bodyHave: number;
  /** Bytes that came after a complete question, taken up once its answer is written. */
  rest: Buffer | undefined;
  /** The client half-closed while a question was in hand: close once it is answered. */
  ended: boolean;
  n: number;
  id: number;
  query: Query | undefined;
}

export class TcpFront extends Front<TcpClient> {
  private server: Server | undefined;

  /** Listens on ip:port (as root, before privileges are dropped). */
  async listen(ip: string, port: number): Promise<void> {
    // allowHalfOpen: a client that sends its question and shuts down its side still gets the
    // answer, as from the original (which reads nothing until it has answered).
    const server = createServer({ noDelay: true, allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port, backlog: BACKLOG, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  serve(): void {
    const server = this.server!;
    server.on('connection', (s) => this.open(s));
    // A failed accept (no descriptors left, a connection reset before it was taken) loses that
    // connection only, as socket_accept4 failing does in the original; nothing is logged there.
    server.on('error', () => {});
  }

  close(): void {
    this.server?.close();
    for (const c of this.clients) this.close1(c, 'broken pipe');
  }

  private open(s: Socket): void {
    if (this.clients.size >= MAXTCP) this.evictOldest();
    const address = s.remoteAddress ?? '';
    const port = s.remotePort ?? 0;
    if (refusedSourcePort(port) || !this.acl.allowed(address)) {
      s.destroy();
      return;
    }
    const hex = clientHex(address);
    const c: TcpClient = {
      socket: s,
      label: `${hex}:${hex4(port)}`,
      hex,
      port,
      state: READING,
      lengthBytes: 0,
      length: 0,
      body: undefined,
      bodyHave: 0,
      rest: undefined,
      ended: false,
      n: 0,
      id: 0,
      query: undefined,
    };
    this.clients.add(c);
    logLine(`tcpopen ${c.label}`);
    s.setTimeout(IDLE_MS);
    s.on('timeout', () => this.close1(c, 'temporary failure'));
    s.on('data', (chunk: Buffer) => this.take(c, chunk));
    s.on('end', () => {
      if (c.state === READING) this.close1(c, 'broken pipe');
      else c.ended = true;
    });
    s.on('error', (err) => this.close1(c, errorText(err)));
    s.on('close', () => this.close1(c, 'broken pipe'));
  }

  /** The original evicts the connection that started first; the set keeps accept order. */
  private evictOldest(): void {
    const oldest = this.oldest()!;
    if (oldest.state === RESOLVING) {
      logDrop(oldest.n, 'timed out');
      this.close1(oldest, 'broken pipe');
    } else this.close1(oldest, 'timed out');
  }

  /** Reads bytes of the current message; a complete question stops reading until answered. */
  private take(c: TcpClient, chunk: Buffer): void {
    if (c.state !== READING) {
      // Not expected (the socket is paused); kept for after the answer rather than lost.
      c.rest = c.rest ? Buffer.concat([c.rest, chunk]) : chunk;
      return;
    }
    let pos = 0;
    while (pos < chunk.length && this.clients.has(c)) {
      if (c.lengthBytes < 2) {
        c.length = (c.length << 8) | chunk[pos++]!;
        if (++c.lengthBytes < 2) continue;
        if (c.length === 0) {
          this.close1(c, 'protocol error');
          return;
        }
        c.body = Buffer.allocUnsafe(c.length);
        c.bodyHave = 0;
        continue;
      }
      const body = c.body!;
      const n = Math.min(chunk.length - pos, c.length - c.bodyHave);
      chunk.copy(body, c.bodyHave, pos, pos + n);
      c.bodyHave += n;
      pos += n;
      if (c.bodyHave < c.length) continue;
      c.rest = pos < chunk.length ? chunk.subarray(pos) : undefined;
      c.socket.pause();
      this.question(c, body);
      return;
    }
  }

  private question(c: TcpClient, body: Buffer): void {
    c.lengthBytes = 0;
    c.length = 0;
    c.body = undefined;
    const q = parseQuery(body, body.length);
    if (!q) {
      this.close1(c, 'protocol error');
      return;
    }
    const n = this.nextQuestion();
    c.n = n;
    c.id = q.id;
    c.state = RESOLVING;
    c.socket.setTimeout(0);
    logQuery(n, c.hex, c.port, q.id, q.type, q.name);
    const query = new Query(this.shared.ctx, (r) => {
      if (c.query !== query) return;
      if (r === 1) this.respond(c);
      else this.drop(c);
    });
    c.query = query;
    let r: number;
    try {
      r = query.start(q.name, q.type, q.qclass);
    } catch (err) {
      logInternalError(`query ${n}`, err);
      r = -1;
    }
    if (r === 1) this.respond(c);
    else if (r === -1) this.drop(c);
  }

  private respond(c: TcpClient): void {
    if (!this.clients.has(c)) return;
    logSent(c.n, responseLength);
    const out = responseFor(c.id, false);
    const framed = Buffer.allocUnsafe(out.length + 2);
    framed.writeUInt16BE(out.length, 0);
    out.copy(framed, 2);
    c.query = undefined;
    c.state = WRITING;
    c.socket.setTimeout(IDLE_MS);
    c.socket.write(framed, (err) => {
      if (!err) this.written(c);
    });
  }

  /** The answer is out: on to the bytes already read, then to reading again. */
  private written(c: TcpClient): void {
    if (!this.clients.has(c)) return;
    c.state = READING;
    if (c.ended && !c.rest) {
      this.close1(c, 'broken pipe');
      return;
    }
    const rest = c.rest;
    c.rest = undefined;
    if (rest) this.take(c, rest);
    if (this.clients.has(c) && c.state === READING) {
      if (c.ended) this.close1(c, 'broken pipe');
      else c.socket.resume();
    }
  }

  private drop(c: TcpClient): void {
    if (!this.clients.has(c)) return;
    logDrop(c.n, 'protocol error');
    this.close1(c, 'broken pipe');
  }

  private close1(c: TcpClient, err: string): void {
    if (!this.clients.delete(c)) return;
    c.query?.cancel();
    c.query = undefined;
    logLine(`tcpclose ${c.label} ${err}`);
    c.socket.destroy();
  }
}
