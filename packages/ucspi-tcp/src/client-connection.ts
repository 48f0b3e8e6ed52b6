// tcpclient's connection: connect with a deadline, the TCP* environment, fds 6 and 7.
import { connect, type Socket } from 'node:net';
import { clientAddressText } from '@fortress/core/ipv6';
import { dup2, setNonBlocking } from '@fortress/core/libc';
import type { ClientOptions } from './client-options.js';
import { reverseName } from './host-lookup.js';
import { identQuery } from './ident.js';

/** Connects to host:port from -i/-p, failing with ETIMEDOUT after -T's seconds. */
export function connectTo(host: string, port: number, o: ClientOptions): Promise<Socket> {
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

/** The program's environment: env without PROTO/TCP*, then PROTO and the TCP* variables. */
export async function clientEnvironment(
  socket: Socket,
  host: string,
  port: number,
  o: ClientOptions,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
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
  return child;
}

/** Puts the connection on fd 6 (read) and fd 7 (write), blocking, for the program to inherit. */
export function handOver(socket: Socket): void {
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  setNonBlocking(fd, false);
  dup2(fd, 6);
  dup2(fd, 7);
}
