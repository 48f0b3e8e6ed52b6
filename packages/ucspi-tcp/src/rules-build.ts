// tcprules' work: rules text to RULES.cdb through RULES.tmp (written, synced, renamed), so a
// tcpserver reading RULES.cdb sees the old rules or the new, never half of them.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { fatalError } from '@fortress/core/program';
import { CdbMaker } from './cdb-make.js';
import { parseRules } from './rules-parse.js';

/** Throws tcprules' fatal errors, ERR_RULE_SYNTAX (exit 100) for a line that does not parse. */
export function buildRulesCdb(text: string, cdb: string, tmp: string): void {
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o644);
  } catch (err) {
    throw fatalError(`unable to create ${tmp}`, err);
  }
  try {
    const records = parseRules(text);
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
