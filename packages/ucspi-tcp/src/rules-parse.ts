// tcprules' text format → (key, data) records, exactly as ucspi-tcp 0.88's tcprules builds
// them, plus the extensions: IPv6 addresses and CIDR prefixes (see rules-address.ts).
import { EXIT_PERMANENT, FortressError, isFortressError } from '@fortress/core/errors';
import { ERR_ADDRESS, expandAddress, IPV6_PREFIXES_KEY, ipv6PrefixLengths } from './rules-address.js';

export interface RuleRecord {
  key: string;
  /** `D\0` for deny, then `+NAME=VALUE\0` per variable; latin1 text. */
  data: string;
}

/** The code of a line that does not parse (exit 100, as the original). */
export const ERR_RULE_SYNTAX = 'ERR_RULE_SYNTAX';

/**
 * `unable to parse this line: LINE[: REASON]` (the reason, extensions only, says why). The text
 * is read as latin1, one character per byte, so the error carries the line's own bytes and
 * 0xff is printed back as 0xff, as the original does.
 */
function syntaxError(line: string, reason?: string): FortressError {
  const text = `unable to parse this line: ${line}${reason === undefined ? '' : `: ${reason}`}`;
  return new FortressError(ERR_RULE_SYNTAX, text, undefined, EXIT_PERMANENT, { bytes: Buffer.from(text, 'latin1') });
}

/** The instruction part (`allow,A="b"`) → data, or undefined when it does not parse. */
export function parseInstruction(text: string): string | undefined {
  let data: string;
  let rest: string;
  if (text.startsWith('allow')) {
    data = '';
    rest = text.slice(5);
  } else if (text.startsWith('deny')) {
    data = 'D\0';
    rest = text.slice(4);
  } else {
    return undefined;
  }
  while (rest.length > 0) {
    if (rest[0] !== ',') return undefined;
    const eq = rest.indexOf('=');
    if (eq < 0 || eq + 1 >= rest.length) return undefined;
    const delimiter = rest[eq + 1] as string;
    const end = rest.indexOf(delimiter, eq + 2);
    if (end < 0) return undefined;
    data += `+${rest.slice(1, eq + 1)}${rest.slice(eq + 2, end)}\0`;
    rest = rest.slice(end + 1);
  }
  return data;
}

/** Where the address ends: the first `:`, or (extension) a later one starting an instruction after an IPv6 address. */
function separatorIndex(line: string): number {
  const first = line.indexOf(':');
  if (first < 0) return -1;
  if (/^(allow|deny)/.test(line.slice(first + 1))) return first;
  for (let i = line.indexOf(':', first + 1); i >= 0; i = line.indexOf(':', i + 1)) {
    if (/^(allow|deny)/.test(line.slice(i + 1))) {
      try {
        if (expandAddress(line.slice(0, i), true) !== undefined) return i;
      } catch (err) {
        // An IPv6 address that means nothing (`:::allow`): this is the separator, refused later.
        if (isFortressError(err, ERR_ADDRESS)) return i;
        throw err;
      }
    }
  }
  return first;
}

/** Parses one line (already without its newline); [] for ignored lines. Throws a FortressError (ERR_RULE_SYNTAX). */
export function parseRuleLine(raw: string): RuleRecord[] {
  if (raw.startsWith('#')) return [];
  const line = raw.replace(/[ \t\n]+$/, '');
  const colon = separatorIndex(line);
  if (colon < 0) return [];
  const data = parseInstruction(line.slice(colon + 1));
  if (data === undefined) throw syntaxError(line);
  let keys: string[] | undefined;
  try {
    keys = expandAddress(line.slice(0, colon), false);
  } catch (err) {
    if (isFortressError(err, ERR_ADDRESS)) throw syntaxError(line, err.text);
    throw err;
  }
  if (keys === undefined) throw syntaxError(line);
  return keys.map((key) => ({ key, data }));
}

/** Parses a whole rules text (latin1-decoded bytes). */
export function parseRules(text: string): RuleRecord[] {
  const records: RuleRecord[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) records.push(...parseRuleLine(line));
  const lengths = ipv6PrefixLengths(records.map((r) => r.key));
  if (lengths.length > 0) records.push({ key: IPV6_PREFIXES_KEY, data: lengths.join(',') });
  return records;
}
