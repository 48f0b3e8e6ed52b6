// fortress fingerd [SCANDIR]: a finger-style status service run by tcpserver per connection. The
// client sends one line; it gets the machine's uptime, load and services, never user information.
import { hostname, loadavg, uptime } from 'node:os';
import { usage } from '@fortress/core/errors';
import { formatDuration, formatStatus } from '../status/format.js';
import { scanStatus } from '../status/service-status.js';

export const SYNOPSIS = 'fingerd [SCANDIR]';
const TIMEOUT_MS = 10_000;

function readLine(): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const timer = setTimeout(() => finish(), TIMEOUT_MS);
    const finish = (): void => {
      clearTimeout(timer);
      process.stdin.removeAllListeners('data');
      process.stdin.destroy();
      resolve(data.split(/\r?\n/)[0] ?? '');
    };
    process.stdin.setEncoding('latin1');
    process.stdin.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\n') || data.length > 1024) finish();
    });
    process.stdin.on('end', finish);
    process.stdin.on('error', finish);
  });
}

export function statusReport(scanDir: string | undefined): string {
  const seconds = Math.floor(uptime()); // the kernel's /proc/uptime, read by Node
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const lines = [`${hostname()}: up ${formatDuration(seconds)}, load ${load}`];
  if (scanDir !== undefined) {
    try {
      lines.push('', formatStatus(scanStatus(scanDir)).trimEnd());
    } catch {
      lines.push('', `services: unable to read ${scanDir}`);
    }
  }
  return `${lines.join('\r\n').replaceAll(/(?<!\r)\n/g, '\r\n')}\r\n`;
}

export async function main(argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.length > 1) return usage('fortress', SYNOPSIS);
  const query = (await readLine()).replace(/^\/W\s*/, '').trim();
  const reply =
    query === '' ? statusReport(argv[0]) : `${query.slice(0, 64)}: no user information is given out here.\r\n`;
  process.stdout.end(reply);
  return 0;
}
