// tcpclient [opts] HOST PORT PROGRAM... — connects, then runs PROGRAM with the connection
// on fd 6 (read) and fd 7 (write) and the TCP* variables set.
import { connect, type Socket } from 'node:net';
import { EXIT_TEMPORARY, errorText, fatal, usage, writeStderr } from '@fortress/core/errors';
import { clientAddressText } from '@fortress/core/ipv6';
import { dup2, setNonBlocking } from '@fortress/core/libc';
import { execProgram, findProgram } from '../exec-program.js';
import { getopt, scanNumber } from '../getopt.js';
import { configureResolver, reverseName } from '../host-lookup.js';
import { identQuery } from '../ident.js';
import { resolveLocalHost, resolvePort } from '../local-names.js';

const PROG = 'tcpclient';
const USAGE =
  '[ -hHrRdDqQv ] [ -i localip ] [ -p localport ] [ -T timeoutconn ] [ -l localname ] [ -t timeoutinfo ] host port program';

interface ClientOptions {
  lookupRemoteHost: boolean;
  ident: boolean;
  identTimeout: number;
  noDelay: boolean;
  verbosity: number;
  localIp: string | undefined;
  localPort: number;
  connectTimeout: number;
  localName: string | undefined;
}

function parse(argv: string[]): [ClientOptions, string[]] | undefined {
  const parsed = getopt(argv, 'dDvqQhHrRi:p:t:T:l:');
  if (!parsed || parsed.operands.length < 3) return undefined;
  const o: ClientOptions = {
    lookupRemoteHost: true,
    ident: true,
    identTimeout: 26,
    noDelay: false,
    verbosity: 1,
    localIp: undefined,
    localPort: 0,
    connectTimeout: 60,
    localName: undefined,
  };
  for (const [letter, value = ''] of parsed.options) {
    if (letter === 'h' || letter === 'H') o.lookupRemoteHost = letter === 'h';
    else if (letter === 'r' || letter === 'R') o.ident = letter === 'r';
    else if (letter === 'd' || letter === 'D') o.noDelay = letter === 'D';
    else if (letter === 'q') o.verbosity = 0;
    else if (letter === 'Q') o.verbosity = 1;
    else if (letter === 'v') o.verbosity = 2;
    else if (letter === 'i') o.localIp = value;
    else if (letter === 'p') o.localPort = scanNumber(value);
    else if (letter === 't') o.identTimeout = scanNumber(value);
    else if (letter === 'l') o.localName = value;
    else if (letter === 'T') {
      const [first = '2', second = '58'] = value.split('+');
      o.connectTimeout = scanNumber(first) + (value.includes('+') ? scanNumber(second) : 0);
    }
  }
  return [o, parsed.operands];
}

function open(host: string, port: number, o: ClientOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, localAddress: o.localIp, localPort: o.localPort || undefined });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    }, o.connectTimeout * 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parse(argv);
  if (!parsed) return usage(PROG, USAGE);
  const [o, [hostArg = '', portArg = '', ...program]] = parsed;
  const host = resolveLocalHost(hostArg);
  if (host === undefined) return fatal(PROG, `no IP address for ${hostArg}`);
  const port = resolvePort(portArg);
  if (port === undefined) return fatal(PROG, `unable to figure out port number for ${portArg}`);
  configureResolver(env);
  let socket: Socket;
  try {
    socket = await open(host, port, o);
  } catch (err) {
    if (o.verbosity >= 1) writeStderr(`${PROG}: unable to connect to ${host} port ${port}: ${errorText(err)}`);
    return EXIT_TEMPORARY;
  }
  let file: string;
  try {
    file = findProgram(program[0] as string, env.PATH);
  } catch (err) {
    return fatal(PROG, `unable to run ${program[0]}`, err);
  }
  if (o.noDelay) socket.setNoDelay(true);
  const localIp = clientAddressText(socket.localAddress ?? '');
  const remoteIp = clientAddressText(socket.remoteAddress ?? host);
  const localPort = socket.localPort ?? 0;
  const remotePort = socket.remotePort ?? port;
  const child: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !/^(PROTO|TCP)/.test(k)) child[k] = v;
  child.PROTO = remoteIp.includes(':') ? 'TCP6' : 'TCP';
  child.TCPLOCALIP = localIp;
  child.TCPLOCALPORT = String(localPort);
  const localHost = o.localName ?? (await reverseName(localIp));
  if (localHost !== undefined) child.TCPLOCALHOST = localHost;
  child.TCPREMOTEIP = remoteIp;
  child.TCPREMOTEPORT = String(remotePort);
  const remoteHost = o.lookupRemoteHost ? await reverseName(remoteIp) : undefined;
  if (remoteHost !== undefined) child.TCPREMOTEHOST = remoteHost;
  const info = o.ident ? await identQuery(localIp, localPort, remoteIp, remotePort, o.identTimeout) : undefined;
  if (info !== undefined) child.TCPREMOTEINFO = info;
  if (o.verbosity >= 2) writeStderr(`${PROG}: connected to ${remoteIp} port ${remotePort}`);
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  setNonBlocking(fd, false);
  dup2(fd, 6);
  dup2(fd, 7);
  return execProgram(file, program, child);
}
