// svdt DIR: prints the death tally of DIR's service, oldest first, one death a line, as
// s6-svdt: `@TAI64N exitcode N` or `@TAI64N signal NAME` (pipe it to tai64nlocal).
import { type DeathTallyRead, formatDeath, readDeathTally } from '@fortress/core/death-tally';
import { errorText } from '@fortress/core/error-text';
import { program } from '@fortress/core/program';
import { byteArgs, bytesOf, fromByteString } from '../byte-strings.js';
import { writeAll, writeStderr } from '../service-files.js';

export const main = program('svdt', 'dir', (argv) => {
  const args = byteArgs(argv);
  if (args[0] === '--') args.shift();
  if (args.length !== 1 || args[0] === '') {
    writeStderr('svdt: usage: svdt dir');
    return 100;
  }
  const dir = args[0]!;
  const read: DeathTallyRead = readDeathTally(fromByteString(dir));
  if (!read.ok) {
    const reason = read.code === 'BADFORMAT' ? 'bad format' : errorText({ code: read.code });
    writeStderr(`svdt: fatal: unable to read ${dir}/supervise/death_tally: ${reason}`);
    return 111;
  }
  const text = read.deaths.map((death) => `${formatDeath(death)}\n`).join('');
  try {
    writeAll(1, bytesOf(text));
  } catch (err) {
    writeStderr(`svdt: fatal: unable to write output: ${errorText(err)}`);
    return 111;
  }
  return 0;
});
