// svok DIR: exit 0 when a supervise runs for DIR, 100 when none does, 111 on other errors.
import { EXIT_OK, EXIT_PERMANENT, errorCode, fatal, writeStderr } from '@fortress/core/errors';
import { checkChdir, inService, isNoReader, probeWritable } from '../service-files.js';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  const dir = argv[0];
  if (dir === undefined) {
    writeStderr('svok: usage: svok dir');
    return EXIT_PERMANENT;
  }
  try {
    checkChdir(dir);
  } catch (err) {
    return fatal('svok', `unable to chdir to ${dir}`, err);
  }
  try {
    probeWritable(inService(dir, 'supervise/ok'));
  } catch (err) {
    if (isNoReader(err) || errorCode(err) === 'ENOENT') return EXIT_PERMANENT;
    return fatal('svok', `unable to open ${dir}/supervise/ok`, err);
  }
  return EXIT_OK;
}
