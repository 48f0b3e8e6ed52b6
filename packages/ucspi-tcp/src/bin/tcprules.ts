// tcprules RULES.cdb RULES.tmp < rules.txt
import { readFileSync } from 'node:fs';
import { fatalError, program, usageError } from '@fortress/core/program';
import { buildRulesCdb } from '../rules-build.js';
import { RuleSyntaxError, reportSyntaxError } from '../rules-parse.js';

export const main = program('tcprules', 'rules.cdb rules.tmp', (argv) => {
  const [cdb, tmp] = argv;
  if (cdb === undefined || tmp === undefined) throw usageError();
  let text: string;
  try {
    text = readFileSync(0, 'latin1');
  } catch (err) {
    throw fatalError('unable to read input', err);
  }
  try {
    buildRulesCdb(text, cdb, tmp);
  } catch (err) {
    // The line's own bytes in the message, as the original prints them.
    if (err instanceof RuleSyntaxError) return reportSyntaxError('tcprules', err);
    throw err;
  }
  return 0;
});
