// fortress import-inetd FILE --ip ADDR DIR: each TCP line of inetd.conf becomes DIR/SERVICE, a
// tcpserver listener bound to ADDR; the lines it cannot convert are listed with the reason.
import { mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fatal, isFortressError, usage, writeStderr } from '@fortress/core/errors';
import { isLocalAddress, isWildcard } from '../address.js';
import { parseArgs } from '../args.js';
import { conf, NEEDS_ROOT } from '../conf/conf.js';
import { shellQuote } from '../conf/placeholders.js';
import { parseInetdConf, readServicePorts } from '../inetd/parse.js';

export const SYNOPSIS =
  'import-inetd FILE --ip ADDR DIR [--log-user L] [--allow-from PREFIX,...] [--allow-wildcard] [--dry-run]';

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, ['ip', 'log-user', 'allow-from'], ['allow-wildcard', 'dry-run']);
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  const [file, dir, ...extra] = args.operands;
  const ip = args.options.get('ip');
  if (file === undefined || dir === undefined || extra.length > 0 || ip === undefined)
    return usage('fortress', SYNOPSIS);
  const bad = checkAddress(ip, args.flags.has('allow-wildcard'));
  if (bad) return fatal('fortress', bad, undefined, 100);
  if (!args.flags.has('dry-run') && process.getuid?.() !== 0) return fatal('fortress', NEEDS_ROOT, undefined, 100);
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    return fatal('fortress', `unable to read ${file}`, err);
  }
  const { services, unconvertible } = parseInetdConf(
    text,
    readServicePorts(env['FORTRESS_SERVICES'] ?? '/etc/services'),
  );
  let failed = 0;
  if (!args.flags.has('dry-run') && services.length > 0) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      return fatal('fortress', `unable to create ${dir}`, err);
    }
  }
  for (const s of services) {
    const target = join(dir, s.name);
    const command = s.command.map(shellQuote).join(' ');
    if (!args.flags.has('dry-run')) {
      const values: Record<string, string> = {
        IP: ip,
        PORT: String(s.port),
        USER: s.user,
        COMMAND: command,
        INETD_LINE: s.text,
      };
      const logUser = args.options.get('log-user');
      if (logUser !== undefined) values['LOGUSER'] = logUser;
      const allowFrom = args.options.get('allow-from');
      if (allowFrom !== undefined) values['ALLOW_FROM'] = allowFrom;
      try {
        const result = conf(
          {
            template: 'inetd',
            dir: target,
            values,
            allowWildcard: args.flags.has('allow-wildcard'),
            createAccounts: true,
          },
          env,
        );
        for (const name of result.createdAccounts) writeStderr(`fortress: created account ${name}`);
      } catch (err) {
        failed++;
        const reason = isFortressError(err, 'ERR_CONF')
          ? err.text
          : `unable to set up ${target}: ${(err as Error).message}`;
        process.stdout.write(`line ${s.line}: ${s.name}: not converted: ${reason}\n`);
        continue;
      }
    }
    process.stdout.write(
      `line ${s.line}: ${s.name}: ${target}: tcpserver on ${ip}:${s.port} as ${s.user}: ${command}\n`,
    );
    for (const note of s.notes) process.stdout.write(`line ${s.line}: ${s.name}: note: ${note}\n`);
    for (const warning of s.warnings) process.stdout.write(`line ${s.line}: ${s.name}: warning: ${warning}\n`);
  }
  for (const u of unconvertible) process.stdout.write(`line ${u.line}: ${u.name}: cannot convert: ${u.reason}\n`);
  return failed > 0 ? 111 : 0;
}

/** The address check conf makes, done once before any line is converted. */
function checkAddress(ip: string, allowWildcard: boolean): string | undefined {
  if (isWildcard(ip)) {
    return allowWildcard
      ? undefined
      : `refusing wildcard address ${ip}: it listens on every network (--allow-wildcard to insist)`;
  }
  if (isIP(ip) === 0) return `not an IP address: ${ip}`;
  if (!isLocalAddress(ip)) return `address ${ip} is not an address of this machine`;
  return undefined;
}
