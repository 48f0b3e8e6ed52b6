// svscanboot [-1] [-j] [-l logdir | -p] [dir]: svscan on dir (default /service) for init, systemd or a container.
import { writeStderr } from '@fortress/core/errors';
import { getopt } from '@fortress/core/getopt';
import { fatalError, program, usageError } from '@fortress/core/program';
import { boot } from '../boot.js';

// 0.76's svscanboot: svscan's errors shown at the end of readproctitle's 400 dots, in ps.
const PROCTITLE = ['readproctitle', 'service', 'errors:', '.'.repeat(400)];
const DEFAULT_PATH = '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin';

export const main = program('svscanboot', '[-1] [-j] [-l logdir | -p] [dir]', async (argv, env) => {
  const { options, operands, problem } = getopt(argv, '1jl:p');
  if (problem !== undefined) throw usageError(problem);
  const svscanArgs = options.filter(([letter]) => letter === '1' || letter === 'j').map(([letter]) => `-${letter}`);
  // The last of -l and -p wins.
  const last = options.findLast(([letter]) => letter === 'l' || letter === 'p');
  if (last?.[0] === 'l' && last[1] === '') throw usageError('option -l needs a value');
  const logger = last === undefined ? undefined : last[0] === 'p' ? PROCTITLE : ['multilog', 't', last[1] ?? ''];
  if (operands.length > 1) throw usageError(`one directory expected, got ${operands.length}`);
  const keep: NodeJS.ProcessEnv = {};
  if (env.SVSCAN_SUPERVISE) keep.SVSCAN_SUPERVISE = env.SVSCAN_SUPERVISE;
  try {
    return await boot({
      dir: operands[0] ?? '/service',
      logger,
      svscanArgs,
      path: env.PATH || DEFAULT_PATH,
      keep,
      warn: (text) => writeStderr(`svscanboot: warning: ${text}`),
    });
  } catch (err) {
    throw fatalError('unable to start svscan', err);
  }
});
