// readproctitle IO .....: show the end of standard input in this process's own command line.

import { program } from '@fortress/core/program';
import { fs } from '../node-fs.js';
import { CommandLine } from '../proctitle.js';
import { EXIT_OK, EXIT_PERMANENT, EXIT_TEMPORARY, errorCode } from '../report.js';
import { MIN_WINDOW, TitleWindow } from '../title-window.js';

const PROG = 'readproctitle';

export const main = program(PROG, 'io ..........', (argv) => {
  // As 0.76: no message at all, only the exit code.
  const last = argv.at(-1);
  if (last === undefined || Buffer.byteLength(last) < MIN_WINDOW) return EXIT_PERMANENT;
  const window = new TitleWindow(Buffer.byteLength(last));
  const line = new CommandLine(PROG, argv.slice(0, -1), window.bytes);
  const input = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, input, 0, input.length, null);
    } catch (err) {
      if (errorCode(err) === 'EINTR') continue;
      return EXIT_TEMPORARY;
    }
    if (n === 0) return EXIT_OK;
    if (window.push(input.subarray(0, n))) line.setLast(window.bytes);
  }
});
