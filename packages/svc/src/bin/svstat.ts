// svstat DIR ...: one line per DIR, daemontools 0.76's text; `svstat --json DIR ...`: one JSON
// object per line instead (its modules are loaded only then, to keep the plain start-up small).
import { program } from '@fortress/core/program';
import { byteArgs, bytesOf } from '../byte-strings.js';
import { writeAll } from '../service-files.js';
import { svstatOutput } from '../svstat-output.js';

export const main = program('svstat', '[--json] dir ...', async (argv) => {
  const json = argv[0] === '--json';
  const out = await svstatOutput(byteArgs(json ? argv.slice(1) : argv), json);
  try {
    // Text lines are byte strings; JSON is Unicode text, written as UTF-8.
    writeAll(1, json ? Buffer.from(out) : bytesOf(out));
  } catch {
    // stdout closed: 0.76 dies of SIGPIPE; there is nobody to tell.
  }
  return 0; // always, as 0.76
});
