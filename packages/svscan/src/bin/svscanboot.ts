// svscanboot [-1] [-j] [-l logdir] [dir]: svscan on dir (default /service) for init, systemd or a container.
import { fatal, usage, writeStderr } from '@fortress/core/errors';
import { boot } from '../boot.js';

const PROG = 'svscanboot';
const USAGE = '[-1] [-j] [-l logdir] [dir]';
const DEFAULT_PATH = '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin';

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const svscanArgs: string[] = [];
  let logDir: string | undefined;
  const args = [...argv];
  while (args.length > 0 && args[0]!.startsWith('-')) {
    const arg = args.shift()!;
    if (arg === '--') break;
    if (arg === '-1' || arg === '-j') svscanArgs.push(arg);
    else if (arg === '-l') {
      logDir = args.shift();
      if (logDir === undefined || logDir === '') return usage(PROG, `${USAGE}\n${PROG}: option -l needs a value`);
    } else return usage(PROG, `${USAGE}\n${PROG}: unknown option ${arg}`);
  }
  if (args.length > 1) return usage(PROG, `${USAGE}\n${PROG}: one directory expected, got ${args.length}`);
  const dir = args[0] ?? '/service';
  const keep: NodeJS.ProcessEnv = {};
  if (env.SVSCAN_SUPERVISE) keep.SVSCAN_SUPERVISE = env.SVSCAN_SUPERVISE;
  try {
    return await boot({
      dir,
      logDir,
      svscanArgs,
      path: env.PATH || DEFAULT_PATH,
      keep,
      warn: (text) => writeStderr(`${PROG}: warning: ${text}`),
    });
  } catch (err) {
    return fatal(PROG, 'unable to start svscan', err);
  }
}
