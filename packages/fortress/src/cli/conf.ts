// fortress conf TEMPLATE DIR [--ip ADDR] [--port N] [--user U] [--log-user L] ...
import { fatal, isFortressError, usage, writeStderr } from '@fortress/core/errors';
import { parseArgs } from '../args.js';
import { quoteCommand, splitCommand } from '../conf/command.js';
import { conf } from '../conf/conf.js';
import { loadManifest, templateNames } from '../conf/manifest.js';

export const SYNOPSIS =
  'conf TEMPLATE DIR [--ip ADDR] [--port N] [--user U] [--log-user L] [--command CMD] [--upstream IP,...] ' +
  '[--forward-only] [--clients PREFIX,...] [--allow-from PREFIX,...] [--cachesize BYTES] [--set NAME=VALUE] ' +
  '[--allow-wildcard] [--existing-accounts] [-- PROGRAM ARG...]';

// Option -> template variable.
const VALUED: Record<string, string> = {
  ip: 'IP',
  port: 'PORT',
  user: 'USER',
  'log-user': 'LOGUSER',
  command: 'COMMAND',
  upstream: 'UPSTREAM',
  clients: 'CLIENTS',
  'allow-from': 'ALLOW_FROM',
  cachesize: 'CACHESIZE',
  concurrency: 'CONCURRENCY',
};

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(
      argv,
      [...Object.keys(VALUED), 'set'],
      ['allow-wildcard', 'forward-only', 'existing-accounts', 'list'],
    );
  } catch (err) {
    return usage('fortress', `${SYNOPSIS} (${(err as Error).message})`);
  }
  if (args.flags.has('list')) {
    for (const name of templateNames(env)) process.stdout.write(`${name}: ${loadManifest(name, env)?.description}\n`);
    return 0;
  }
  const [template, dir, ...extra] = args.operands;
  // The words after `--` are the program and its arguments, as --command gives them in one string.
  const words = args.afterTerminator.slice(Math.max(0, args.afterTerminator.length - extra.length));
  if (template === undefined || dir === undefined || extra.length !== words.length) return usage('fortress', SYNOPSIS);
  if (words.length > 0 && args.options.has('command'))
    return usage('fortress', `${SYNOPSIS} (--command and words after -- both give the command)`);
  const values: Record<string, string> = {};
  for (const [option, variable] of Object.entries(VALUED)) {
    const value = args.options.get(option);
    if (value !== undefined) values[variable] = value;
  }
  try {
    const command = args.options.get('command');
    if (command !== undefined) values['COMMAND'] = quoteCommand(splitCommand(command));
    else if (words.length > 0) values['COMMAND'] = quoteCommand(words);
  } catch (err) {
    if (isFortressError(err, 'ERR_COMMAND')) return fatal('fortress', err.text, undefined, err.exitCode);
    throw err;
  }
  if (values['UPSTREAM'] !== undefined) values['UPSTREAM'] = values['UPSTREAM'].split(',').join('\n');
  if (args.flags.has('forward-only')) values['FORWARDONLY'] = '1';
  for (const set of args.lists.get('set') ?? []) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(set);
    if (!m?.[1]) return usage('fortress', `${SYNOPSIS} (--set needs NAME=VALUE)`);
    values[m[1]] = m[2] ?? '';
  }
  try {
    const result = conf(
      {
        template,
        dir,
        values,
        allowWildcard: args.flags.has('allow-wildcard'),
        createAccounts: !args.flags.has('existing-accounts'),
      },
      env,
    );
    for (const name of result.createdAccounts) writeStderr(`fortress: created account ${name}`);
    process.stdout.write(`${result.dir}\n`);
    return 0;
  } catch (err) {
    if (isFortressError(err, 'ERR_CONF')) return fatal('fortress', err.text, undefined, err.exitCode);
    return fatal('fortress', `unable to set up ${dir}`, err);
  }
}
