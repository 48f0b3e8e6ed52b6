// tcprulescheck RULES.cdb — the decision for $TCPREMOTEIP/$TCPREMOTEHOST/$TCPREMOTEINFO.
// Extension: `tcprulescheck -t rules.txt` checks a rules text file without building a cdb.
import { writeSync } from 'node:fs';
import { isFortressError, usage } from '@fortress/core/errors';
import { clientAddressText } from '@fortress/core/ipv6';
import { fatalError, program } from '@fortress/core/program';
import { ERR_RULE_SYNTAX } from '../rules-parse.js';
import { formatDecision } from '../rules-report.js';
import { checkCdbFile, checkTextFile } from '../rules-source.js';

export const main = program('tcprulescheck', 'rules.cdb', (argv, env) => {
  const text = argv[0] === '-t';
  const file = text ? argv[1] : argv[0];
  if (file === undefined) return text ? usage('tcprulescheck', '-t rules.txt') : usage('tcprulescheck', 'rules.cdb');
  const ip = clientAddressText(env.TCPREMOTEIP ?? '0.0.0.0');
  try {
    const check = text ? checkTextFile : checkCdbFile;
    writeSync(1, formatDecision(check(file, ip, env.TCPREMOTEHOST, env.TCPREMOTEINFO)));
    return 0;
  } catch (err) {
    if (isFortressError(err, ERR_RULE_SYNTAX)) throw err; // its bytes printed by the program layer
    throw fatalError(`unable to read ${file}`, err);
  }
});
