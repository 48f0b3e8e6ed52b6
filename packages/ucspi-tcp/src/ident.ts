// RFC 1413 ident query, as tcpserver -r does: connect from the local address to the client's
// port 113, ask "RPORT , LPORT", take the USERID field. Any failure or timeout → undefined.
import { connect } from 'node:net';

export function identQuery(
  localIp: string,
  localPort: number,
  remoteIp: string,
  remotePort: number,
  timeoutSeconds: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let answer = '';
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const socket = connect({ host: remoteIp, port: 113, localAddress: localIp });
    const timer = setTimeout(() => finish(undefined), timeoutSeconds * 1000);
    socket.on('connect', () => socket.write(`${remotePort} , ${localPort}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.length > 1000) return finish(undefined);
      const end = answer.indexOf('\n');
      if (end >= 0) finish(parseIdentReply(answer.slice(0, end)));
    });
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
  });
}

/** `6191, 23 : USERID : UNIX : joe` → `joe`. */
export function parseIdentReply(line: string): string | undefined {
  const parts = line.replace(/\r$/, '').split(':');
  if (parts.length < 4 || parts[1]?.trim() !== 'USERID') return undefined;
  const user = parts.slice(3).join(':').replace(/^ /, '');
  return user === '' ? undefined : user;
}
