// svok DIR: exit 0 when a supervise runs for DIR, 100 when none does, 111 on other errors.
import { errorText } from '@fortress/core/error-text';
import { program } from '@fortress/core/program';
import { checkChdir, checkSupervise } from '@fortress/core/service-dir';
import { byteArgs, bytesOf } from '../byte-strings.js';
import { writeStderr } from '../service-files.js';

export const main = program('svok', 'dir', (argv) => {
  const dir = byteArgs(argv)[0];
  if (dir === undefined) {
    writeStderr('svok: usage: svok dir');
    return 100;
  }
  try {
    checkChdir(bytesOf(dir));
  } catch (err) {
    writeStderr(`svok: fatal: unable to chdir to ${dir}: ${errorText(err)}`);
    return 111;
  }
  try {
    return checkSupervise(bytesOf(dir)) === 'running' ? 0 : 100;
  } catch (err) {
    writeStderr(`svok: fatal: unable to open ${dir}/supervise/ok: ${errorText(err)}`);
    return 111;
  }
});
