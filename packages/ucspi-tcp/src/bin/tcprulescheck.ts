// tcprulescheck RULES.cdb — the decision for $TCPREMOTEIP/$TCPREMOTEHOST/$TCPREMOTEINFO.
// Extension: `tcprulescheck -t rules.txt` checks a rules text file without building a cdb.
import { writeSync } from 'node:fs';
import { fatal, usage } from '@fortress/core/errors';
import { clientAddressText } from '@fortress/core/ipv6';
import { RuleSyntaxError, reportSyntaxError } from '../rules-parse.js';
import { formatDecision } from '../rules-report.js';
import { checkCdbFile, checkTextFile } from '../rules-source.js';

const PROG = 'tcprulescheck';

export function main(argv: string[], env: NodeJS.ProcessEnv): number {
  const text = argv[0] === '-t';
  const file = text ? argv[1] : argv[0];
  if (file === undefined) return usage(PROG, text ? '-t rules.txt' : 'rules.cdb');
  const ip = clientAddressText(env.TCPREMOTEIP ?? '0.0.0.0');
  try {
    const check = text ? checkTextFile : checkCdbFile;
    const decision = check(file, ip, env.TCPREMOTEHOST, env.TCPREMOTEINFO);
    writeSync(1, formatDecision(decision));
    return 0;
  } catch (err) {
    if (err instanceof RuleSyntaxError) return reportSyntaxError(PROG, err);
    return fatal(PROG, `unable to read ${file}`, err);
  }
}
