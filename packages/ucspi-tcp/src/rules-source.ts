// Rule sources: a cdb file (read per lookup, as tcpserver re-reads it per connection) or a
// rules text file parsed in memory (the "check without a cdb" extension).
import { readFileSync } from 'node:fs';
import { type CdbSource, cdbFind, withCdbFile } from './cdb-read.js';
import { lookupRules, type RuleDecision, type RuleSource } from './rules-lookup.js';
import { parseRules } from './rules-parse.js';

export function cdbRuleSource(cdb: CdbSource): RuleSource {
  return { find: (key) => cdbFind(cdb, key)?.toString('latin1') };
}

/** Parsed text; the first record of a key wins, as in the cdb. Throws a FortressError (ERR_RULE_SYNTAX). */
export function textRuleSource(text: string): RuleSource {
  const map = new Map<string, string>();
  for (const { key, data } of parseRules(text)) if (!map.has(key)) map.set(key, data);
  return { find: (key) => map.get(key) };
}

/** Opens the cdb, looks up, closes. Throws the open/read error (ENOENT, EPROTO for a short file). */
export function checkCdbFile(file: string, ip: string, host?: string, info?: string): RuleDecision {
  return withCdbFile(file, (cdb) => lookupRules(cdbRuleSource(cdb), ip, host, info));
}

export function checkTextFile(file: string, ip: string, host?: string, info?: string): RuleDecision {
  return lookupRules(textRuleSource(readFileSync(file, 'latin1')), ip, host, info);
}
