// Loopback connections for tests of servers.
import { connect } from 'node:net';

/** Connects to host:port and hangs up at once: 'connected', or the connect error code (ECONNREFUSED...). */
export function tryConnect(port: number, host: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}
