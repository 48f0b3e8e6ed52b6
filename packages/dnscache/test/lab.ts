// A DNS lab on loopback for the tests: tinydns servers from Debian, our dnscache and Debian's
// dnscache with the same service layout, queries from chosen 127.x source addresses.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    s.on('connect', () => {
      const framed = Buffer.alloc(packet.length + 2);
      framed.writeUInt16BE(packet.length);
      packet.copy(framed, 2);
      s.write(framed);
    });
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    s.on('error', () => done(undefined));
    s.on('close', () => done(undefined));
  });
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
