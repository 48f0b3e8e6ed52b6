// tcprules RULES.cdb RULES.tmp < rules.txt
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { fatal, usage } from '@fortress/core/errors';
import { CdbMaker } from '../cdb-make.js';
import { parseRules, RuleSyntaxError, reportSyntaxError } from '../rules-parse.js';

const PROG = 'tcprules';

export function main(argv: string[], _env: NodeJS.ProcessEnv): number {
  const [cdb, tmp] = argv;
  if (cdb === undefined || tmp === undefined) return usage(PROG, 'rules.cdb rules.tmp');
  let text: string;
  try {
    text = readFileSync(0, 'latin1');
  } catch (err) {
    return fatal(PROG, 'unable to read input', err);
  }
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o644);
  } catch (err) {
    return fatal(PROG, `unable to create ${tmp}`, err);
  }
  try {
    let records: ReturnType<typeof parseRules>;
    try {
      records = parseRules(text);
    } catch (err) {
      if (err instanceof RuleSyntaxError) return reportSyntaxError(PROG, err);
      throw err;
    }
    const maker = new CdbMaker();
    for (const { key, data } of records) maker.add(key, data);
    try {
      writeSync(fd, maker.finish());
      fsyncSync(fd);
    } catch (err) {
      return fatal(PROG, `unable to write to ${tmp}`, err);
    }
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, cdb);
  } catch (err) {
    return fatal(PROG, `unable to move ${tmp} to ${cdb}`, err);
  }
  return 0;
}
