// multilog SCRIPT...: reads lines on fd 0 and files them as the script says.
import { program } from '@fortress/core/program';
import { runMultilog } from '../multilog.js';
import { parseScript } from '../script.js';

export const main = program('multilog', 'script', (argv) => runMultilog(parseScript(argv)));
