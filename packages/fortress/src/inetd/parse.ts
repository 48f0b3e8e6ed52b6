// inetd.conf lines, and what tcpserver can take over: TCP stream services that inetd runs once per
// connection. UDP, RPC, `wait` and internal services stay behind, each with the reason.
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { findAccount, isValidUserName } from '../conf/accounts.js';

export interface InetdService {
  line: number;
  text: string;
  name: string;
  port: number;
  user: string;
  /** Program and arguments for tcpserver (argv[0] of inetd's line dropped, tcpd unwrapped). */
  command: string[];
  notes: string[];
  /** What the article would say about it: cleartext passwords, root. */
  warnings: string[];
}

export interface Unconvertible {
  line: number;
  text: string;
  name: string;
  reason: string;
}

export type ServicePorts = Map<string, number>;

// Protocols that carry passwords in cleartext, by well-known port: a listener is only the start.
const CLEARTEXT_LOGINS: Record<number, string> = {
  21: 'ftp',
  23: 'telnet',
  109: 'pop2',
  110: 'pop3',
  143: 'imap',
  220: 'imap3',
  512: 'rexec',
  513: 'rlogin',
  514: 'rsh',
};

/** The warnings a service deserves before it is turned on again. */
export function serviceWarnings(port: number, user: string, program: string): string[] {
  const warnings: string[] = [];
  const protocol = CLEARTEXT_LOGINS[port];
  if (protocol)
    warnings.push(
      `${protocol} sends passwords in cleartext, readable by anyone on the path: prefer ssh, or the protocol over TLS`,
    );
  if (user === 'root')
    warnings.push(`runs as root: a flaw in ${basename(program)} gives away the machine; give it an account of its own`);
  return warnings;
}

/** `name port/tcp aliases...` from /etc/services: TCP names and aliases to port numbers. */
export function readServicePorts(file = '/etc/services'): ServicePorts {
  const ports: ServicePorts = new Map();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return ports;
  }
  for (const raw of text.split('\n')) {
    const f = raw.replace(/#.*/, '').trim().split(/\s+/);
    const m = /^(\d+)\/tcp$/.exec(f[1] ?? '');
    if (!f[0] || !m) continue;
    for (const name of [f[0], ...f.slice(2)]) if (!ports.has(name)) ports.set(name, Number(m[1]));
  }
  return ports;
}

function portOf(service: string, ports: ServicePorts): number | undefined {
  if (/^\d+$/.test(service)) return Number(service) >= 1 && Number(service) <= 65535 ? Number(service) : undefined;
  return ports.get(service);
}

export function parseInetdConf(
  text: string,
  ports: ServicePorts,
): { services: InetdService[]; unconvertible: Unconvertible[] } {
  const services: InetdService[] = [];
  const unconvertible: Unconvertible[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const f = trimmed.split(/\s+/);
    const [service = '', socketType = '', proto = '', wait = '', userSpec = '', server = '', ...args] = f;
    // openbsd-inetd allows `ADDRESS:service`; the address is replaced by the chosen one anyway.
    const name = service.includes(':') ? service.slice(service.lastIndexOf(':') + 1) : service;
    const skip = (reason: string): boolean => {
      unconvertible.push({ line, text: trimmed, name, reason });
      return true;
    };
    if (f.length < 6) {
      skip('malformed line: fewer than 6 fields');
      continue;
    }
    if (proto.startsWith('rpc/') || name.includes('/')) {
      skip('RPC service: it needs the portmapper, which tcpserver does not speak');
      continue;
    }
    if (/^udp/.test(proto) || socketType === 'dgram') {
      skip('UDP service: tcpserver serves TCP only (keep inetd for it, or find another server)');
      continue;
    }
    if (!/^tcp(4|6|46)?$/.test(proto)) {
      skip(`protocol ${proto} is not TCP`);
      continue;
    }
    if (socketType !== 'stream') {
      skip(`socket type ${socketType} is not stream`);
      continue;
    }
    if (server === 'internal') {
      skip("inetd's internal service: there is no program to run");
      continue;
    }
    if (wait.split(/[.,]/)[0] !== 'nowait') {
      skip('wait service: it expects the listening socket, tcpserver hands it one connection');
      continue;
    }
    const port = portOf(name, ports);
    if (port === undefined) {
      skip(`unknown service name ${name} (not in /etc/services)`);
      continue;
    }
    const user = userSpec.split(/[.:]/)[0] ?? '';
    if (!isValidUserName(user)) {
      skip(`invalid user name ${user}`);
      continue;
    }
    const notes: string[] = [];
    if (!findAccount(user)) notes.push(`account ${user} does not exist: create it before starting the service`);
    if (/[.:]/.test(userSpec)) notes.push(`group of ${userSpec} not kept: envuidgid uses ${user}'s own group`);
    let command = [server, ...args.slice(1)];
    if (basename(server) === 'tcpd' && args[0]) {
      // tcpd runs argv[0] from its own directory when it is not a path; ./rules takes its place.
      const program = isAbsolute(args[0]) ? args[0] : join('/usr/sbin', args[0]);
      command = [program, ...args.slice(1)];
      notes.push('tcpd dropped: ./rules (tcprules) takes the place of hosts.allow and hosts.deny');
    }
    if (proto === 'tcp6' || proto === 'tcp46') notes.push(`${proto}: bound to the chosen address only`);
    if (services.some((s) => s.name === name)) {
      skip(`service ${name} already imported from an earlier line`);
      continue;
    }
    const warnings = serviceWarnings(port, user, command[0] ?? server);
    services.push({ line, text: trimmed, name, port, user, command, notes, warnings });
  }
  return { services, unconvertible };
}
