// A DNS lab on loopback for the tests: tinydns servers from Debian, our dnscache and Debian's
// dnscache with the same service layout, queries from chosen 127.x source addresses.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { waitFor } from '@fortress/test-support/wait-for';

export { waitFor };

const here = new URL('.', import.meta.url).pathname;
export const OUR_DNSCACHE = join(here, '..', 'bin', 'dnscache.js');
export const DEBIAN_DNSCACHE = '/usr/sbin/dnscache';

export interface Answer {
  name: string;
  type: string;
  ttl: number;
  data: unknown;
}
export interface Decoded {
  id: number;
  flags: number;
  rcode: string;
  flag_tc: boolean;
  flag_aa: boolean;
  questions: { name: string; type: string }[];
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}
interface DnsPacket {
  decode(buf: Buffer): Decoded;
  encode(p: unknown): Buffer;
}
export const dnsPacket = createRequire(import.meta.url)('dns-packet') as DnsPacket;

export function account(name: string): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export class Proc {
  readonly child: ChildProcess;
  out = '';
  constructor(child: ChildProcess) {
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => {
      this.out += d.toString('latin1');
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.out += d.toString('latin1');
    });
  }
  get lines(): string[] {
    return this.out.split('\n').filter((l) => l);
  }
  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  stop(): void {
    if (this.alive()) this.child.kill('SIGKILL');
  }
}

export class Lab {
  readonly dir: string;
  private readonly procs: Proc[] = [];
  private readonly closers: (() => void)[] = [];

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'dnscache-test-'));
  }

  /** A tinydns on ip serving data (tinydns-data format); waits until it answers. */
  async tinydns(ip: string, data: string): Promise<Proc> {
    const root = join(this.dir, `tinydns-${ip}`);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'data'), data);
    const built = spawnSync('/usr/sbin/tinydns-data', [], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`tinydns-data: ${built.stderr}`);
    const { uid, gid } = account('tinydns');
    const p = new Proc(
      spawn('/usr/sbin/tinydns', [], {
        env: { IP: ip, ROOT: root, UID: String(uid), GID: String(gid) },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.procs.push(p);
    await waitFor(`tinydns on ${ip}`, () => p.out.includes('starting tinydns') || !p.alive());
    if (!p.alive()) throw new Error(`tinydns on ${ip} failed: ${p.out}`);
    return p;
  }

  /**
   * A dnscache service root: ip/ entries, servers/ files. Returns the ROOT path.
   */
  cacheRoot(name: string, ip: string[], servers: Record<string, string[]>): string {
    const root = join(this.dir, name, 'root');
    mkdirSync(join(root, 'ip'), { recursive: true });
    mkdirSync(join(root, 'servers'), { recursive: true });
    for (const prefix of ip) writeFileSync(join(root, 'ip', prefix), '');
    for (const [domain, addrs] of Object.entries(servers)) {
      writeFileSync(join(root, 'servers', domain), addrs.map((a) => `${a}\n`).join(''));
    }
    return root;
  }

  /** Starts a dnscache (ours or Debian's) on ip:53; waits for `starting`. */
  async dnscache(program: string, ip: string, root: string, extra: Record<string, string> = {}): Promise<Proc> {
    const { uid, gid } = account('dnscache');
    const env = {
      IP: ip,
      IPSEND: '0.0.0.0',
      CACHESIZE: '1000000',
      ROOT: root,
      UID: String(uid),
      GID: String(gid),
      ...extra,
    };
    const seed = join(this.dir, `seed-${ip}`);
    writeFileSync(seed, Buffer.alloc(128, 7));
    const args = program === DEBIAN_DNSCACHE ? [] : [program];
    const file = program === DEBIAN_DNSCACHE ? program : process.execPath;
    const p = new Proc(spawn(file, args, { env, stdio: [spawnStdin(seed), 'pipe', 'pipe'] }));
    this.procs.push(p);
    await waitFor(`dnscache on ${ip}`, () => p.lines.includes('starting') || !p.alive());
    if (!p.alive()) throw new Error(`dnscache on ${ip} failed: ${p.out}`);
    return p;
  }

  onCleanup(fn: () => void): void {
    this.closers.push(fn);
  }

  cleanup(): void {
    for (const p of this.procs) p.stop();
    for (const c of this.closers) {
      try {
        c();
      } catch (err) {
        // One cleanup failing must not leave the others (and their processes) undone.
        console.error(`lab cleanup: ${(err as Error).message}`);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function spawnStdin(file: string): number {
  return openSync(file, 'r');
}

/** A query packet with RD set (or not). */
export function queryPacket(name: string, type: string, id = 4242, rd = true): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: rd ? 256 : 0, questions: [{ type, name, class: 'IN' }] });
}

/** Sends one UDP packet from source to server:port; the reply or undefined after ms. */
export function udpExchange(
  server: string,
  packet: Buffer,
  source = '127.0.0.1',
  ms = 5000,
  port = 53,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, ms);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      resolve(msg);
    });
    s.on('error', () => {});
    s.bind({ address: source, port: 0 }, () => s.send(packet, port, server));
  });
}

export async function ask(server: string, name: string, type: string, source = '127.0.0.1'): Promise<Decoded> {
  const reply = await udpExchange(server, queryPacket(name, type), source, 8000);
  if (!reply) throw new Error(`no answer from ${server} for ${type} ${name}`);
  return dnsPacket.decode(reply);
}

/** Queries over TCP; undefined when the connection is closed without an answer. */
export function tcpExchange(
  server: string,
  packet: Buffer,
  source = '127.0.0.1',
  ms = 8000,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: server, port: 53, localAddress: source });
    let got = Buffer.alloc(0);
    const done = (v: Buffer | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), ms);
    s.on('connect', () => s.write(tcpFrame(packet)));
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    s.on('error', () => done(undefined));
    s.on('close', () => done(undefined));
  });
}

/** A DNS message as TCP carries it: its length in two bytes first. */
export function tcpFrame(packet: Buffer): Buffer {
  const out = Buffer.alloc(packet.length + 2);
  out.writeUInt16BE(packet.length);
  packet.copy(out, 2);
  return out;
}

/** A TCP connection to a cache: the answers read so far (unframed), whether it is closed. */
export interface TcpConn {
  s: Socket;
  replies: Buffer[];
  closed: () => boolean;
}

/**
 * Connects from SOURCE to IP:53; resolves once connected (the kernel completes the handshake
 * even while dnscache is stopped, as long as the listen backlog has room) or closed.
 */
export async function openTcp(ip: string, source: string): Promise<TcpConn> {
  const s = connect({ host: ip, port: 53, localAddress: source });
  const replies: Buffer[] = [];
  let got = Buffer.alloc(0);
  let isClosed = false;
  let connected = false;
  s.on('error', () => {});
  s.on('close', () => {
    isClosed = true;
  });
  s.on('data', (d) => {
    got = Buffer.concat([got, d]);
    while (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
      replies.push(got.subarray(2, 2 + got.readUInt16BE(0)));
      got = got.subarray(2 + got.readUInt16BE(0));
    }
  });
  s.on('connect', () => {
    connected = true;
  });
  try {
    await waitFor(`a connection from ${source} to ${ip}`, () => connected || isClosed);
  } catch (err) {
    s.destroy();
    throw err;
  }
  return { s, replies, closed: () => isClosed };
}

/** One cache under test, side by side with the other. */
export interface Cache {
  who: 'ours' | 'Debian';
  ip: string;
  p?: Proc;
}

/**
 * For a test file: a tinydns on BASE.1 serving DATA, and our dnscache (BASE.10) and Debian's
 * (BASE.11) serving 127.x clients from it, started in a `before` hook; the lab is cleaned up
 * after the file's tests.
 */
export function cachesSideBySide(base: string, data: string): { lab: Lab; tiny: string; caches: Cache[] } {
  const lab = new Lab();
  const tiny = `${base}.1`;
  const caches: Cache[] = [
    { who: 'ours', ip: `${base}.10` },
    { who: 'Debian', ip: `${base}.11` },
  ];
  before(async () => {
    await lab.tinydns(tiny, data);
    for (const c of caches) {
      const program = c.who === 'ours' ? OUR_DNSCACHE : DEBIAN_DNSCACHE;
      c.p = await lab.dnscache(program, c.ip, lab.cacheRoot(c.who, ['127'], { '@': [tiny] }));
    }
  });
  after(() => lab.cleanup());
  return { lab, tiny, caches };
}

/** Answers in a comparable form: lowercased names, sorted, TTLs apart. */
export function summary(d: Decoded): { rcode: string; answers: string[]; ttls: number[] } {
  const answers = d.answers.map((a) => {
    const data = Buffer.isBuffer(a.data)
      ? a.data.toString('hex')
      : Array.isArray(a.data)
        ? a.data.map((x: Buffer) => x.toString('latin1')).join('|')
        : JSON.stringify(a.data);
    return `${a.name.toLowerCase()} ${a.type} ${typeof data === 'string' ? data.toLowerCase() : data}`;
  });
  return { rcode: d.rcode, answers, ttls: d.answers.map((a) => a.ttl) };
}
