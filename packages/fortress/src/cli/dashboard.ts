// fortress dashboard SCANDIR (--ip ADDR --port N | --socket PATH) [--control TOKENFILE]
import { fatal, isFortressError, usage, writeStderr } from '@fortress/core/errors';
import { isWildcard } from '../address.js';
import { parseArgs } from '../args.js';
import type { Binding } from '../dashboard/security.js';

const { isIP } = process.getBuiltinModule('node:net');

export const SYNOPSIS = 'dashboard SCANDIR (--ip ADDR --port N | --socket PATH) [--control TOKENFILE]';

export async function main(argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, ['ip', 'port', 'socket', 'control'], []);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  const [scanDir, ...extra] = args.operands;
  if (scanDir === undefined || extra.length > 0) return usage('fortress', SYNOPSIS);
  const socket = args.options.get('socket');
  const ip = args.options.get('ip');
  const portText = args.options.get('port');
  let binding: Binding;
  if (socket !== undefined) {
    if (ip !== undefined || portText !== undefined)
      return usage('fortress', `${SYNOPSIS} (--socket or --ip and --port, not both)`);
    binding = { kind: 'socket', path: socket };
  } else {
    if (ip === undefined || portText === undefined)
      return usage('fortress', `${SYNOPSIS} (--ip and --port, or --socket)`);
    if (isIP(ip) === 0) return usage('fortress', `${SYNOPSIS} (--ip needs an IP address, not ${ip})`);
    if (isWildcard(ip))
      return fatal(
        'fortress',
        `refusing wildcard address ${ip}: the dashboard listens on one local address`,
        undefined,
        100,
      );
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) return usage('fortress', `${SYNOPSIS} (--port needs 0 to 65535)`);
    binding = { kind: 'tcp', ip, port };
  }
  let token: string | undefined;
  const tokenFile = args.options.get('control');
  const { loadToken, ERR_TOKEN_FILE } = await import('../dashboard/security.js');
  if (tokenFile !== undefined) {
    try {
      token = loadToken(tokenFile);
    } catch (err) {
      if (isFortressError(err, ERR_TOKEN_FILE))
        return fatal('fortress', `refusing to start: ${err.text}`, undefined, err.exitCode);
      throw err;
    }
  }
  const { Dashboard } = await import('../dashboard/server.js');
  const dashboard = new Dashboard({ scanDir, token });
  try {
    dashboard.model.start();
  } catch (err) {
    return fatal('fortress', `unable to read ${scanDir}`, err);
  }
  let bound: Binding;
  try {
    if (binding.kind === 'socket') removeStaleSocket(binding.path);
    bound = await dashboard.listen(binding);
  } catch (err) {
    await dashboard.close().catch(() => undefined);
    const where = binding.kind === 'socket' ? binding.path : `${binding.ip}:${binding.port}`;
    return fatal('fortress', `unable to bind ${where}`, err);
  }
  const url =
    bound.kind === 'socket'
      ? `unix:${bound.path}`
      : `http://${bound.ip.includes(':') ? `[${bound.ip}]` : bound.ip}:${bound.port}/`;
  writeStderr(`fortress: dashboard of ${scanDir} on ${url}${token ? ' (control on)' : ''}`);
  return new Promise((resolve) => {
    const stop = (): void => {
      void dashboard.close().then(() => {
        if (bound.kind === 'socket') removeStaleSocket(bound.path);
        resolve(0);
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/** A socket file left by an earlier run is removed; any other file is left for bind to refuse. */
function removeStaleSocket(path: string): void {
  const { lstatSync, unlinkSync } = process.getBuiltinModule('node:fs');
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // nothing there
  }
}
