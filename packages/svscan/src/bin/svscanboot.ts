// svscanboot [-1] [-j] [-l logdir | -p] [dir]: svscan on dir (default /service) for init, systemd or a container.
import { fatal, usage, writeStderr } from '@fortress/core/errors';
import { boot } from '../boot.js';

const PROG = 'svscanboot';
const USAGE = '[-1] [-j] [-l logdir | -p] [dir]';
// 0.76's svscanboot: svscan's errors shown at the end of readproctitle's 400 dots, in ps.
const PROCTITLE = ['readproctitle', 'service', 'errors:', '.'.repeat(400)];
const DEFAULT_PATH = '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin';

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const svscanArgs: string[] = [];
  let logger: string[] | undefined;
  const args = [...argv];
  while (args.length > 0 && args[0]!.startsWith('-')) {
    const arg = args.shift()!;
    if (arg === '--') break;
    if (arg === '-1' || arg === '-j') svscanArgs.push(arg);
    else if (arg === '-p') logger = PROCTITLE;
    else if (arg === '-l') {
      const logDir = args.shift();
      if (logDir === undefined || logDir === '') return usage(PROG, `${USAGE}\n${PROG}: option -l needs a value`);
      logger = ['multilog', 't', logDir];
    } else return usage(PROG, `${USAGE}\n${PROG}: unknown option ${arg}`);
  }
  if (args.length > 1) return usage(PROG, `${USAGE}\n${PROG}: one directory expected, got ${args.length}`);
  const dir = args[0] ?? '/service';
  const keep: NodeJS.ProcessEnv = {};
  if (env.SVSCAN_SUPERVISE) keep.SVSCAN_SUPERVISE = env.SVSCAN_SUPERVISE;
  try {
    return await boot({
      dir,
      logger,
      svscanArgs,
      path: env.PATH || DEFAULT_PATH,
      keep,
      warn: (text) => writeStderr(`${PROG}: warning: ${text}`),
    });
  } catch (err) {
    return fatal(PROG, 'unable to start svscan', err);
  }
}
