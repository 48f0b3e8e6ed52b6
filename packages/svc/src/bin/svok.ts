// svok DIR: exit 0 when a supervise runs for DIR, 100 when none does, 111 on other errors.
import { errorCode, errorText } from '@fortress/core/error-text';
import { program } from '@fortress/core/program';
import { byteArgs } from '../byte-strings.js';
import { checkChdir, inService, isNoReader, probeWritable, writeStderr } from '../service-files.js';

export const main = program('svok', 'dir', (argv) => {
  const dir = byteArgs(argv)[0];
  if (dir === undefined) {
    writeStderr('svok: usage: svok dir');
    return 100;
  }
  try {
    checkChdir(dir);
  } catch (err) {
    writeStderr(`svok: fatal: unable to chdir to ${dir}: ${errorText(err)}`);
    return 111;
  }
  try {
    probeWritable(inService(dir, 'supervise/ok'));
  } catch (err) {
    if (isNoReader(err) || errorCode(err) === 'ENOENT') return 100;
    writeStderr(`svok: fatal: unable to open ${dir}/supervise/ok: ${errorText(err)}`);
    return 111;
  }
  return 0;
});
