// tcprules' work: rules text to RULES.cdb through RULES.tmp (written, synced, renamed), so a
// tcpserver reading RULES.cdb sees the old rules or the new, never half of them.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { EXIT_PERMANENT } from '@fortress/core/errors';
import { fatalError } from '@fortress/core/program';
import { CdbMaker } from './cdb-make.js';
import { parseRules, RuleSyntaxError } from './rules-parse.js';

/** Throws tcprules' fatal errors (a syntax error is permanent: exit 100). */
export function buildRulesCdb(text: string, cdb: string, tmp: string): void {
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o644);
  } catch (err) {
    throw fatalError(`unable to create ${tmp}`, err);
  }
  try {
    let records: ReturnType<typeof parseRules>;
    try {
      records = parseRules(text);
    } catch (err) {
      if (err instanceof RuleSyntaxError) throw fatalError(err.message, undefined, EXIT_PERMANENT);
      throw err;
    }
    const maker = new CdbMaker();
    for (const { key, data } of records) maker.add(key, data);
    try {
      writeSync(fd, maker.finish());
      fsyncSync(fd);
    } catch (err) {
      throw fatalError(`unable to write to ${tmp}`, err);
    }
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, cdb);
  } catch (err) {
    throw fatalError(`unable to move ${tmp} to ${cdb}`, err);
  }
}
