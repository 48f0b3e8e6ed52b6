// tcprules RULES.cdb RULES.tmp < rules.txt
import { readFileSync } from 'node:fs';
import { fatalError, program, usageError } from '@fortress/core/program';
import { buildRulesCdb } from '../rules-build.js';

export const main = program('tcprules', 'rules.cdb rules.tmp', (argv) => {
  const [cdb, tmp] = argv;
  if (cdb === undefined || tmp === undefined) throw usageError();
  let text: string;
  try {
    text = readFileSync(0, 'latin1');
  } catch (err) {
    throw fatalError('unable to read input', err);
  }
  // A line that does not parse is a FortressError with the line's own bytes: the program
  // layer prints them as they are, as the original does (exit 100).
  buildRulesCdb(text, cdb, tmp);
  return 0;
});
