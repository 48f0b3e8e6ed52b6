// One upstream question (dns_transmit.c): UDP to each server in turn with timeouts of 1, 3, 11
// and 45 seconds, a fresh socket on a random port and a random id for every attempt; TCP from
// the first server again when an answer is truncated. An answer counts only if it comes from
// the server asked, to the port used, with the id and the question sent.
// The UDP sockets are made, connected and read by the batched addon (udp.ts): one epoll set
// holds every socket in flight, and one JS call takes all the answers that arrived together.
import { createConnection, type Socket } from 'node:net';
import { deadline, type Expiring } from './deadlines.js';
import { domainEqual, domainLength } from './domain.js';
import { logInternalError } from './log.js';
import { getName, packetNameView, u16 } from './packet.js';
import { randomBelow, randomPort } from './random.js';
import { addon, addressBytes, EADDRINUSE, ECONNREFUSED, type Handle, META, META_INTS, Slots } from './udp.js';

const TIMEOUTS = [1000, 3000, 11000, 45000];
const TCP_TIMEOUT = 10000;

export type TransmitDone = (ok: boolean) => void;

/** Answers are read into slots of 4096 bytes; larger ones (never over UDP from a DNS server
 * that was asked without EDNS) are ignored. */
const BATCH = 64;
const ANSWER_SLOT = 4096;
let upstream: Handle | undefined;
const rx = new Slots(BATCH, ANSWER_SLOT);
/** The transmit waiting on each socket, by the token given to the addon. */
const waiting = new Map<number, Transmit>();
let nextToken = 1;

function upstreamSet(): Handle {
  upstream ??= addon.upstream(rx.data, rx.metaBytes, rx.count, rx.size, (n) => {
    for (let i = 0; i < n; i++) {
      const t = waiting.get(rx.meta[i * META_INTS + 3]!);
      if (t === undefined) continue;
      try {
        t.udpReady(i);
      } catch (err) {
        // One answer's bug must not lose the others read in the same batch.
        logInternalError('upstream answer', err);
      }
    }
  });
  return upstream;
}

const localBytes = new Map<string, Uint8Array>();
function localAddress(ip: string): Uint8Array {
  let b = localBytes.get(ip);
  if (b === undefined) {
    b = addressBytes(ip);
    localBytes.set(ip, b);
  }
  return b;
}

export class Transmit implements Expiring {
  /** The accepted answer and the index of the server that sent it. */
  packet: Buffer = Buffer.alloc(0);
  server = 0;
  private query: Buffer = Buffer.alloc(0);
  private questionBuf: Buffer | undefined;
  private queryLen = 0;
  private servers: Buffer = Buffer.alloc(64);
  private qtype = 0;
  private udpLoop = 0;
  private cur = 0;
  /** The UDP socket in flight (-1: none), its token and the round it was sent in. */
  private udpFd = -1;
  private token = 0;
  private loopSent = 0;
  private tcp: Socket | undefined;
  /** Changed whenever the attempt in flight ends: its deadline (deadlines.ts) then lapses. */
  generation = 0;
  private active = false;
  private localIp = '0.0.0.0';
  private done: TransmitDone = () => {};

  /** Starts asking; done(true) with this.packet set, or done(false) when every server failed. */
  start(
    servers: Uint8Array,
    at: number,
    recursive: boolean,
    q: Uint8Array,
    qtype: number,
    localIp: string,
    done: TransmitDone,
  ): void {
    this.free();
    const n = domainLength(q);
    // One question buffer per transmit, reused: a question is at most 12 + 255 + 4 bytes.
    this.questionBuf ??= Buffer.alloc(12 + 255 + 4);
    const query = this.questionBuf;
    this.queryLen = 12 + n + 4;
    query.fill(0, 0, 12);
    query[2] = recursive ? 1 : 0;
    query[5] = 1;
    for (let i = 0; i < n; i++) query[12 + i] = q[i]!;
    query.writeUInt16BE(qtype, 12 + n);
    query.writeUInt16BE(1, 14 + n);
    this.query = query;
    this.qtype = qtype;
    const own = this.servers;
    for (let i = 0; i < 64; i++) own[i] = servers[at + i]!;
    this.localIp = localIp;
    this.done = done;
    this.active = true;
    this.udpLoop = 0;
    this.cur = 0;
    this.thisUdp();
  }

  /** Abandons the question: closes sockets, cancels timers, never calls done. */
  free(): void {
    this.active = false;
    this.socketFree();
  }

  private socketFree(): void {
    this.generation++;
    if (this.udpFd >= 0) {
      addon.forget(this.udpFd);
      waiting.delete(this.token);
      this.udpFd = -1;
    }
    if (this.tcp) {
      this.tcp.removeAllListeners('data');
      this.tcp.destroy();
      this.tcp = undefined;
    }
  }

  private serverIp(i: number): string {
    const s = this.servers;
    return `${s[4 * i]}.${s[4 * i + 1]}.${s[4 * i + 2]}.${s[4 * i + 3]}`;
  }

  private hasServer(i: number): boolean {
    const s = this.servers;
    return (s[4 * i]! | s[4 * i + 1]! | s[4 * i + 2]! | s[4 * i + 3]!) !== 0;
  }

  private finish(ok: boolean, packet?: Buffer): void {
    if (!this.active) return;
    this.active = false;
    this.socketFree();
    if (packet) {
      this.packet = packet;
      this.server = this.cur;
    }
    this.done(ok);
  }

  private newId(): void {
    this.query.writeUInt16BE(randomBelow(65536), 0);
  }

  /** Whether an answer is for our question: same id, one question, same name, type, class IN. */
  private irrelevant(buf: Buffer): boolean {
    const len = buf.length;
    if (len < 12) return true;
    if (u16(buf, 0) !== u16(this.query, 0)) return true;
    if (buf[4] !== 0 || buf[5] !== 1) return true;
    const pos = getName(buf, len, 12);
    if (!pos) return true;
    if (!domainEqual(packetNameView(), this.query, 0, 12)) return true;
    if (pos + 4 > len) return true;
    return u16(buf, pos) !== this.qtype || u16(buf, pos + 2) !== 1;
  }

  private static failed(buf: Buffer): boolean {
    const rcode = buf[3]! & 15;
    return rcode !== 0 && rcode !== 3;
  }

  private thisUdp(): void {
    this.socketFree();
    while (this.udpLoop < 4) {
      for (; this.cur < 16; this.cur++) {
        if (!this.hasServer(this.cur)) continue;
        this.sendUdp(4 * this.cur, TIMEOUTS[this.udpLoop]!);
        return;
      }
      this.udpLoop++;
      this.cur = 0;
    }
    this.finish(false);
  }

  private nextUdp(): void {
    this.cur++;
    this.thisUdp();
  }

  private sendUdp(server: number, timeout: number): void {
    this.newId();
    const set = upstreamSet();
    const local = localAddress(this.localIp);
    const token = nextToken;
    nextToken = nextToken >= 0x7fffffff ? 1 : nextToken + 1;
    let fd = EADDRINUSE;
    for (let tries = 0; tries < 10 && fd === EADDRINUSE; tries++) {
      fd = addon.ask(set, token, local, randomPort(), this.servers, server, this.query, this.queryLen);
    }
    if (fd < 0) {
      this.nextUdp();
      return;
    }
    this.udpFd = fd;
    this.token = token;
    this.loopSent = this.udpLoop;
    waiting.set(token, this);
    deadline(this, timeout);
  }

  /** The attempt in flight got no answer in time: on to the next server. */
  expire(): void {
    if (this.tcp) this.nextTcp();
    else if (this.udpFd >= 0) this.nextUdp();
  }

  /** What arrived on the socket in flight: receive slot i of the upstream batch. */
  udpReady(i: number): void {
    const m = i * META_INTS;
    const len = rx.meta[m]!;
    if (len < 0) {
      if (len === -1) return; // did not fit: ignored
      // Refused (ICMP) or unreachable: on to the next server, except in the third round.
      if (len === ECONNREFUSED && this.loopSent === 2) return;
      this.nextUdp();
      return;
    }
    const s = this.servers;
    const sp = 4 * this.cur;
    const at = i * META + 16;
    const from = rx.metaBytes;
    if (rx.meta[m + 1] !== 53 || rx.meta[m + 2] !== 4) return;
    if (from[at] !== s[sp] || from[at + 1] !== s[sp + 1] || from[at + 2] !== s[sp + 2] || from[at + 3] !== s[sp + 3])
      return;
    const msg = Buffer.allocUnsafe(len);
    rx.data.copy(msg, 0, i * ANSWER_SLOT, i * ANSWER_SLOT + len);
    if (this.irrelevant(msg)) return;
    if (msg[2]! & 2) {
      this.firstTcp();
      return;
    }
    if (Transmit.failed(msg)) {
      if (this.loopSent === 2) return;
      this.nextUdp();
      return;
    }
    this.finish(true, msg);
  }

  private firstTcp(): void {
    this.cur = 0;
    this.thisTcp();
  }

  private thisTcp(): void {
    this.socketFree();
    for (; this.cur < 16; this.cur++) {
      if (!this.hasServer(this.cur)) continue;
      this.sendTcp(this.serverIp(this.cur));
      return;
    }
    this.finish(false);
  }

  private nextTcp(): void {
    this.cur++;
    this.thisTcp();
  }

  private sendTcp(ip: string): void {
    this.newId();
    const options: { host: string; port: number; localPort: number; localAddress?: string } = {
      host: ip,
      port: 53,
      localPort: randomPort(),
    };
    if (this.localIp !== '0.0.0.0') options.localAddress = this.localIp;
    const s = createConnection(options);
    this.tcp = s;
    let got: Buffer = Buffer.alloc(0);
    s.on('error', () => {
      if (this.tcp === s) this.nextTcp();
    });
    s.on('close', () => {
      if (this.tcp === s) this.nextTcp();
    });
    s.on('connect', () => {
      const framed = Buffer.alloc(this.queryLen + 2);
      framed.writeUInt16BE(this.queryLen, 0);
      this.query.copy(framed, 2, 0, this.queryLen);
      s.write(framed);
    });
    s.on('data', (chunk: Buffer) => {
      if (this.tcp !== s) return;
      got = got.length ? Buffer.concat([got, chunk]) : chunk;
      if (got.length < 2) return;
      const len = u16(got, 0);
      if (got.length < len + 2) return;
      const msg = Buffer.from(got.subarray(2, 2 + len));
      if (len === 0 || this.irrelevant(msg) || Transmit.failed(msg)) {
        this.nextTcp();
        return;
      }
      this.finish(true, msg);
    });
    deadline(this, TCP_TIMEOUT);
  }
}
