// fortress: the umbrella command. Each subcommand lives in its own module, loaded on demand.
import { program, usageError } from '@fortress/core/program';
import { asksForHelp } from '../args.js';

type Main = (argv: string[], env: NodeJS.ProcessEnv) => number | Promise<number>;
type Command = { main: Main; SYNOPSIS?: string };

const COMMANDS: Record<string, () => Promise<Command>> = {
  audit: () => import('../cli/audit.js'),
  conf: () => import('../cli/conf.js'),
  'import-inetd': () => import('../cli/import-inetd.js'),
  status: () => import('../cli/status.js'),
  deps: () => import('../cli/deps.js'),
  quickstart: () => import('../cli/quickstart.js'),
  httpd: () => import('../cli/httpd.js'),
  fingerd: () => import('../cli/fingerd.js'),
  install: () => import('../cli/install.js'),
  uninstall: () => import('../cli/uninstall.js'),
  dashboard: () => import('../cli/dashboard.js'),
  init: () => import('../cli/init.js'),
};

const SYNOPSIS = `{${Object.keys(COMMANDS).join('|')}} ...`;

export const main = program('fortress', SYNOPSIS, async (argv, env) => {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`usage: fortress ${SYNOPSIS}\n`);
    return 0;
  }
  const load = command === undefined ? undefined : COMMANDS[command];
  if (!load) throw usageError();
  const module = await load();
  if (asksForHelp(rest)) {
    process.stdout.write(`usage: fortress ${module.SYNOPSIS ?? `${command} ...`}\n`);
    return 0;
  }
  return module.main(rest, env);
});
