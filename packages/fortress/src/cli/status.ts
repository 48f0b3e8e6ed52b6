// fortress status [SCANDIR] [--json] [--watch] [--interval SECONDS]
import { fatal, usage } from '@fortress/core/errors';
import { parseArgs } from '../args.js';
import { formatStatus } from '../status/format.js';
import { type ServiceStatus, scanStatus } from '../status/service-status.js';

export const SYNOPSIS = 'status [SCANDIR] [--json] [--watch] [--interval SECONDS]';

export function defaultScanDir(env: NodeJS.ProcessEnv): string {
  return env['FORTRESS_SCANDIR'] ?? '/service';
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, ['interval'], ['json', 'watch']);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  if (args.operands.length > 1) return usage('fortress', SYNOPSIS);
  const scanDir = args.operands[0] ?? defaultScanDir(env);
  const interval = Number(args.options.get('interval') ?? '2');
  if (!(interval > 0)) return usage('fortress', `${SYNOPSIS} (--interval must be a positive number)`);
  const render = (services: ServiceStatus[]): string =>
    args.flags.has('json') ? `${JSON.stringify(services, null, 2)}\n` : formatStatus(services);
  let services: ServiceStatus[];
  try {
    services = scanStatus(scanDir);
  } catch (err) {
    return fatal('fortress', `unable to read ${scanDir}`, err);
  }
  if (!args.flags.has('watch')) {
    process.stdout.write(render(services));
    return 0;
  }
  return watch(scanDir, interval, render);
}

/** Redraws the table every interval until SIGINT or SIGTERM. */
function watch(scanDir: string, interval: number, render: (s: ServiceStatus[]) => string): Promise<number> {
  return new Promise((resolve) => {
    const draw = (): void => {
      let text: string;
      try {
        text = render(scanStatus(scanDir));
      } catch (err) {
        text = `unable to read ${scanDir}: ${(err as Error).message}\n`;
      }
      const clear = process.stdout.isTTY ? '\x1b[H\x1b[2J' : '';
      process.stdout.write(`${clear}${new Date().toISOString()}  ${scanDir}\n${text}`);
    };
    draw();
    const timer = setInterval(draw, interval * 1000);
    const stop = (): void => {
      clearInterval(timer);
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
