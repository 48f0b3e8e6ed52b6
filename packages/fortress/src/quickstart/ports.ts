// Free ports on a loopback address, found by binding port 0 and letting go at once.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export function freeTcpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A port free for both TCP and UDP on host (dnscache takes both). */
export async function freeTcpUdpPort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort(host);
    const free = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no port free for both TCP and UDP on ${host}`);
}
