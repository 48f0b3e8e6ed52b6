// The per-connection work of tcpserver: count against the limits, banner, socket options,
// optional lookups, rules, then PROGRAM (posix_spawn with the socket on fd 0 and 1) or an
// in-process handler. Everything that decides runs here, before any process is started.
import { writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { errorCode, errorText, writeStderr } from '@fortress/core/errors';
import { clientAddressText } from '@fortress/core/ipv6';
import { setNonBlocking } from '@fortress/core/libc';
import { buildEnvironment, connectionVariables } from './connection-env.js';
import { killIpOptions } from './descriptors.js';
import { nameMapsBack, reverseName } from './host-lookup.js';
import { identQuery } from './ident.js';
import { type ConnectionHandler, handlerEnvironment, serveInProcess } from './in-process.js';
import type { PausableListener } from './listener.js';
import { type ConnectionFields, decisionLine } from './log-line.js';
import type { RuleDecision } from './rules-lookup.js';
import { checkCdbFile } from './rules-source.js';
import type { ServerOptions } from './server-options.js';
import { reapChild, spawnWithConnectionAsync } from './spawn.js';

const STATUS_DENIED = 100 * 256;
const STATUS_DROPPED = 111 * 256;

export class TcpServer {
  private active = 0;
  private readonly perIp = new Map<string, number>();
  private readonly children = new Map<number, string>();
  private readonly exited = new Map<number, number>();
  listener: PausableListener | undefined;

  private readonly options: ServerOptions;
  private readonly baseEnv: string[];
  /** Set to serve connections in-process instead of running PROGRAM. */
  handler: ConnectionHandler | undefined;

  constructor(options: ServerOptions, baseEnv: string[]) {
    this.options = options;
    this.baseEnv = baseEnv;
  }

  log(line: string): void {
    if (this.options.verbosity >= 2) writeStderr(line);
  }

  warn(text: string): void {
    if (this.options.verbosity >= 1) writeStderr(`tcpserver: warning: ${text}`);
  }

  status(): void {
    this.log(`tcpserver: status: ${this.active}/${this.options.limit}`);
  }

  onConnection = (socket: Socket): void => {
    socket.on('error', () => {});
    const remote = socket.remoteAddress;
    if (remote === undefined || socket.localAddress === undefined) {
      socket.destroy(); // reset before we could look at it
      return;
    }
    this.active++;
    if (this.active >= this.options.limit) this.listener?.pause();
    this.status();
    const remoteIp = clientAddressText(remote);
    this.perIp.set(remoteIp, (this.perIp.get(remoteIp) ?? 0) + 1);
    const o = this.options;
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
    if (o.banner) {
      try {
        writeSync(fd, o.banner);
      } catch {
        // the client is gone already; the rest of the work finds out too
      }
    }
    const ipv6 = remoteIp.includes(':');
    if (!o.keepIpOptions && !ipv6 && socket.remoteFamily === 'IPv4') killIpOptions(fd);
    if (o.noDelay) socket.setNoDelay(true);
    const fields: ConnectionFields = {
      localHost: o.localName,
      localIp: clientAddressText(socket.localAddress),
      localPort: socket.localPort ?? 0,
      remoteHost: undefined,
      remoteIp,
      remoteInfo: undefined,
      remotePort: socket.remotePort ?? 0,
    };
    if (o.localName === undefined || o.lookupRemoteHost || o.ident) {
      this.lookup(fields).then(() => this.decide(socket, fd, fields, ipv6));
    } else {
      this.decide(socket, fd, fields, ipv6);
    }
  };

  private async lookup(f: ConnectionFields): Promise<void> {
    const o = this.options;
    const local = o.localName === undefined ? reverseName(f.localIp) : undefined;
    const remote = o.lookupRemoteHost ? reverseName(f.remoteIp) : undefined;
    const info = o.ident ? identQuery(f.localIp, f.localPort, f.remoteIp, f.remotePort, o.identTimeout) : undefined;
    if (local) f.localHost = await local;
    if (remote) {
      const name = await remote;
      f.remoteHost = name !== undefined && (!o.paranoid || (await nameMapsBack(name, f.remoteIp))) ? name : undefined;
    }
    if (info) f.remoteInfo = await info;
  }

  private rules(f: ConnectionFields): RuleDecision | Error {
    const file = this.options.rules;
    if (file === undefined) return { key: undefined, deny: false, env: [] };
    try {
      return checkCdbFile(file, f.remoteIp, f.remoteHost, f.remoteInfo);
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && this.options.rulesMissingOk) return { key: undefined, deny: false, env: [] };
      return err as Error;
    }
  }

  private decide(socket: Socket, fd: number, f: ConnectionFields, ipv6: boolean): void {
    const o = this.options;
    const decision = this.rules(f);
    if (decision instanceof Error) {
      this.refuse(socket, f, 'dropping connection, unable to read', decision);
      return;
    }
    const perIp = Number(decision.env.find(([name]) => name === 'MAXCONNIP')?.[1] ?? o.perIpLimit);
    if (decision.deny || (perIp > 0 && (this.perIp.get(f.remoteIp) ?? 0) > perIp)) {
      this.log(`tcpserver: pid 0 from ${f.remoteIp}`);
      if (o.verbosity >= 2) writeStderr(decisionLine('deny', 0, f));
      this.finish(socket, 0, STATUS_DENIED, f.remoteIp);
      return;
    }
    const vars = connectionVariables(f, ipv6);
    if (this.handler) {
      this.runHandler(socket, f, this.handler, handlerEnvironment(vars, decision.env));
      return;
    }
    try {
      // libuv made the socket non-blocking; PROGRAM expects an ordinary blocking descriptor.
      setNonBlocking(fd, false);
    } catch (err) {
      this.refuse(socket, f, 'dropping connection, unable to run', err, o.program[0]);
      return;
    }
    const env = buildEnvironment(this.baseEnv, vars, decision.env);
    spawnWithConnectionAsync(o.program, env, fd).then(
      (pid) => {
        this.log(`tcpserver: pid ${pid} from ${f.remoteIp}`);
        if (o.verbosity >= 2) writeStderr(decisionLine('ok', pid, f));
        socket.destroy();
        const early = this.exited.get(pid);
        if (early === undefined) {
          this.children.set(pid, f.remoteIp);
        } else {
          this.exited.delete(pid);
          this.release(pid, early, f.remoteIp);
        }
      },
      (err) => this.refuse(socket, f, 'dropping connection, unable to run', err, o.program[0]),
    );
  }

  private runHandler(
    socket: Socket,
    f: ConnectionFields,
    handler: ConnectionHandler,
    env: Record<string, string>,
  ): void {
    this.log(`tcpserver: pid ${process.pid} from ${f.remoteIp}`);
    if (this.options.verbosity >= 2) writeStderr(decisionLine('ok', process.pid, f));
    serveInProcess(
      socket,
      handler,
      env,
      (err) => this.warn(`handler failed: ${err instanceof Error ? err.message : String(err)}`),
      (status) => this.release(process.pid, status, f.remoteIp),
    );
  }

  private refuse(socket: Socket, f: ConnectionFields, text: string, err: unknown, what = this.options.rules): void {
    this.log(`tcpserver: pid 0 from ${f.remoteIp}`);
    this.warn(`${text} ${what}: ${errorText(err)}`);
    this.finish(socket, 0, STATUS_DROPPED, f.remoteIp);
  }

  private finish(socket: Socket, pid: number, status: number, ip: string): void {
    socket.destroy();
    this.release(pid, status, ip);
  }

  private release(pid: number, status: number, ip: string): void {
    this.log(`tcpserver: end ${pid} status ${status}`);
    this.active--;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n > 0) this.perIp.set(ip, n);
    else this.perIp.delete(ip);
    this.status();
    if (this.active < this.options.limit) this.listener?.resume();
  }

  /** SIGCHLD: reap every finished child. */
  reap = (): void => {
    for (let r = reapChild(); r; r = reapChild()) {
      const [pid, status] = r;
      const ip = this.children.get(pid);
      if (ip === undefined) {
        // Reaped before its spawn call returned to us (it runs on a worker thread). A child of a
        // failed spawn (exec error) also lands here and is never claimed: keep the map bounded.
        if (this.exited.size > 1000) this.exited.clear();
        this.exited.set(pid, status);
        continue;
      }
      this.children.delete(pid);
      this.release(pid, status, ip);
    }
  };
}
