// multilog SCRIPT...: reads lines on fd 0 and files them as the script says.
import { runMultilog } from '../multilog.js';
import { parseScript } from '../script.js';

export function main(argv: string[], _env: NodeJS.ProcessEnv): Promise<number> {
  return runMultilog(parseScript(argv));
}
