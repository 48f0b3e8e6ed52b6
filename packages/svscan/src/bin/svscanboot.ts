// svscanboot [-1] [-j] [-l logdir] [dir]: svscan on dir (default /service) for init, systemd or a container.
import { writeStderr } from '@fortress/core/errors';
import { getopt } from '@fortress/core/getopt';
import { fatalError, program, usageError } from '@fortress/core/program';
import { boot } from '../boot.js';

const DEFAULT_PATH = '/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin';

export const main = program('svscanboot', '[-1] [-j] [-l logdir] [dir]', async (argv, env) => {
  const { options, operands, problem } = getopt(argv, '1jl:');
  if (problem !== undefined) throw usageError(problem);
  const svscanArgs = options.filter(([letter]) => letter !== 'l').map(([letter]) => `-${letter}`);
  const logDir = options.findLast(([letter]) => letter === 'l')?.[1];
  if (logDir === '') throw usageError('option -l needs a value');
  if (operands.length > 1) throw usageError(`one directory expected, got ${operands.length}`);
  const keep: NodeJS.ProcessEnv = {};
  if (env.SVSCAN_SUPERVISE) keep.SVSCAN_SUPERVISE = env.SVSCAN_SUPERVISE;
  try {
    return await boot({
      dir: operands[0] ?? '/service',
      logDir,
      svscanArgs,
      path: env.PATH || DEFAULT_PATH,
      keep,
      warn: (text) => writeStderr(`svscanboot: warning: ${text}`),
    });
  } catch (err) {
    throw fatalError('unable to start svscan', err);
  }
});
