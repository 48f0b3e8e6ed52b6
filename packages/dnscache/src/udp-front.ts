// The UDP front end (dnscache.c's u_new, u_respond, u_drop): questions arrive in batches from
// the addon, each is checked (size, source port, ip/, parse), at most 200 are in flight (a new
// one evicts the oldest, `drop N timed out`), and answers go out in batches.
import { clientOf } from './client-address.js';
import { Front, refusedSourcePort } from './front-shared.js';
import { logDrop, logInternalError, logQuery, logSent } from './log.js';
import { parseQuery } from './packet.js';
import { Query } from './resolver/query.js';
import { responseInto } from './response.js';
import { addon, addressBytes, check, type Handle, META, META_INTS, Slots } from './udp.js';

const MAXUDP = 200;
/** Datagrams read per batch; questions of 1024 bytes or more are dropped, answers are ≤ 512. */
const BATCH = 64;
const QUESTION_SLOT = 1024;
const ANSWER_SLOT = 512;
/** The receive buffer the original asks for (best effort). */
const RECEIVE_BUFFER = 131072;

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

export class UdpFront extends Front<UdpClient> {
  private fd = -1;
  private handle: Handle | undefined;
  private readonly rx = new Slots(BATCH, QUESTION_SLOT);
  private readonly tx = new Slots(BATCH, ANSWER_SLOT);
  private txCount = 0;
  /** Queries of finished questions, reused: a question's state is some 20 objects. */
  private readonly spare: Query[] = [];
  private flushQueued = false;
  private inBatch = false;

  /** Creates and binds the socket (as root, before privileges are dropped); throws SystemError. */
  bind(ip: string, port: number): void {
    this.fd = check('bind', addon.bind(ip.includes(':') ? 6 : 4, addressBytes(ip), port, RECEIVE_BUFFER));
  }

  serve(): void {
    const { rx } = this;
    this.handle = addon.listen(this.fd, rx.data, rx.metaBytes, rx.count, rx.size, (n) => this.batch(n));
  }

  close(): void {
    if (this.handle) addon.close(this.handle);
    else if (this.fd >= 0) addon.closeFd(this.fd);
    this.handle = undefined;
    this.fd = -1;
    for (const c of this.clients) c.query.cancel();
  }

  /** n questions arrived in the receive slots; the answers ready at once go out together. */
  private batch(n: number): void {
    const { rx } = this;
    this.inBatch = true;
    try {
      for (let i = 0; i < n; i++) {
        const len = rx.meta[i * META_INTS]!;
        try {
          this.question(rx.data, i * rx.size, len, i * META);
        } catch (err) {
          // A bug in one datagram's handling must not lose the rest of the batch.
          logInternalError('udp', err);
        }
      }
    } finally {
      this.inBatch = false;
      this.flush();
    }
  }

  private question(data: Buffer, offset: number, len: number, at: number): void {
    if (this.clients.size >= MAXUDP) {
      this.drop(this.oldest()!, 'timed out');
    }
    if (len < 0 || len >= QUESTION_SLOT) return;
    const { meta, metaBytes } = this.rx;
    const port = meta[(at >> 2) + 1]!;
    if (refusedSourcePort(port)) return;
    const client = clientOf(metaBytes, meta, at);
    if (!this.acl.allowed(client.text)) return;
    const msg = data.subarray(offset, offset + len);
    const q = parseQuery(msg, len);
    if (!q) return;
    const n = this.nextQuestion();
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
      if (!this.clients.has(c)) return;
      if (r === 1) this.respond(c);
      else this.drop(c, 'protocol error');
    };
    const spare = this.spare.pop();
    if (spare) spare.done = done;
    c.query = spare ?? new Query(this.shared.ctx, done);
    this.clients.add(c);
    let r: number;
    try {
      r = c.query.start(q.name, q.type, q.qclass);
    } catch (err) {
      logInternalError(`query ${n}`, err);
      r = -1;
    }
    if (r === 1) this.respond(c);
    else if (r === -1) this.drop(c, 'protocol error');
  }

  private drop(c: UdpClient, err: string): void {
    if (!this.clients.delete(c)) return;
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
  private respond(c: UdpClient): void {
    if (!this.clients.delete(c)) return;
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
    if (!this.txCount || !this.handle) {
      this.txCount = 0;
      return;
    }
    addon.send(this.handle, this.tx.data, this.tx.metaBytes, this.txCount, this.tx.size);
    this.txCount = 0;
  }
}
