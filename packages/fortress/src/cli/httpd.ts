// fortress httpd DOCROOT: one HTTP/1.x exchange on stdin/stdout, run by tcpserver per connection.
import { createReadStream } from 'node:fs';
import { usage } from '@fortress/core/errors';
import { parseRequestLine, resolveTarget } from '../httpd/request.js';

export const SYNOPSIS = 'httpd DOCROOT';
const MAX_HEAD = 16384;
const TIMEOUT_MS = 60_000;

function respond(status: number, reason: string, headers: Record<string, string>, body: string, head: boolean): void {
  const lines = [`HTTP/1.0 ${status} ${reason}`, 'Server: fortress-httpd', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (!('Content-Length' in headers))
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Content-Type: text/plain');
  process.stdout.end(`${lines.join('\r\n')}\r\n\r\n${head ? '' : body}`);
}

/** Reads the request head (up to the empty line) from stdin. */
function readHead(): Promise<string | undefined> {
  return new Promise((resolve) => {
    let data = '';
    const timer = setTimeout(() => finish(undefined), TIMEOUT_MS);
    const finish = (value: string | undefined): void => {
      clearTimeout(timer);
      process.stdin.removeAllListeners('data');
      // The rest of the request is not wanted; an open stdin would keep the process alive.
      process.stdin.destroy();
      resolve(value);
    };
    process.stdin.setEncoding('latin1');
    process.stdin.on('data', (chunk: string) => {
      data += chunk;
      const end = data.search(/\r?\n\r?\n/);
      if (end !== -1) finish(data.slice(0, end));
      else if (data.length > MAX_HEAD) finish(undefined);
    });
    process.stdin.on('end', () => finish(data.length > 0 ? data : undefined));
    process.stdin.on('error', () => finish(undefined));
  });
}

export async function main(argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  const [root, ...extra] = argv;
  if (root === undefined || extra.length > 0) return usage('fortress', SYNOPSIS);
  const head = await readHead();
  const request = head === undefined ? undefined : parseRequestLine(head.split(/\r?\n/)[0] ?? '');
  if (!request) {
    respond(400, 'Bad Request', {}, 'bad request\n', false);
    return 0;
  }
  const isHead = request.method === 'HEAD';
  if (request.method !== 'GET' && !isHead) {
    respond(501, 'Not Implemented', { Allow: 'GET, HEAD' }, 'only GET and HEAD\n', false);
    return 0;
  }
  const found = resolveTarget(root, request.target);
  if (found.status === 301) {
    respond(301, found.reason, { Location: found.file ?? '/' }, 'moved\n', isHead);
    return 0;
  }
  if (found.status !== 200 || found.file === undefined) {
    respond(found.status, found.reason, {}, `${found.reason.toLowerCase()}\n`, isHead);
    return 0;
  }
  const lines = [
    'HTTP/1.0 200 OK',
    'Server: fortress-httpd',
    'Connection: close',
    `Content-Type: ${found.type}`,
    `Content-Length: ${found.size}`,
  ];
  process.stdout.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (isHead) {
    process.stdout.end();
    return 0;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(found.file ?? '');
    stream.on('error', () => {
      process.stdout.end();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(process.stdout);
  });
  return 0;
}
