// The rule lookup of ucspi-tcp 0.88's rules.c, plus IPv6 prefixes (rules-address.ts).
import { formatIPv6, maskBytes, parseIPv6 } from '@fortress/core/ipv6';
import { IPV6_PREFIXES_KEY } from './rules-address.js';

/** Something that answers "the first data stored under this key" (a cdb or parsed text). */
export interface RuleSource {
  find(key: string): string | undefined;
}

export interface RuleDecision {
  /** The key that matched; undefined when no rule matched (the default: allow). */
  key: string | undefined;
  deny: boolean;
  /** Variables to set, in rule order. */
  env: Array<[string, string]>;
}

/** Applies a record's data: `D` denies (and stops), `+NAME=VALUE` sets; other entries are ignored. */
export function decodeRuleData(key: string | undefined, data: string): RuleDecision {
  const decision: RuleDecision = { key, deny: false, env: [] };
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf('\0', start);
    if (end < 0) end = data.length;
    const entry = data.slice(start, end);
    if (entry[0] === 'D') {
      decision.deny = true;
      return decision;
    }
    if (entry[0] === '+') {
      const eq = entry.indexOf('=');
      if (eq > 0) decision.env.push([entry.slice(1, eq), entry.slice(eq + 1)]);
    }
    start = end + 1;
  }
  return decision;
}

function* candidateKeys(src: RuleSource, ip: string, host?: string, info?: string): Generator<string> {
  if (info !== undefined) {
    yield `${info}@${ip}`;
    if (host !== undefined) yield `${info}@=${host}`;
  }
  yield ip;
  if (host !== undefined) yield `=${host}`;
  if (!ip.includes(':')) {
    for (let i = ip.length - 1; i > 0; i--) if (ip[i - 1] === '.') yield ip.slice(0, i);
  } else {
    const lengths = src.find(IPV6_PREFIXES_KEY);
    const bytes = lengths ? parseIPv6(ip) : undefined;
    if (lengths && bytes) {
      for (const length of lengths.split(',')) yield `${formatIPv6(maskBytes(bytes, Number(length)))}/${length}`;
    }
  }
  if (host !== undefined) {
    for (let i = 0; i < host.length; i++) if (host[i] === '.') yield `=${host.slice(i)}`;
    yield '=';
  }
  yield '';
}

/** The decision for a client: IP (as clientAddressText gives it), and host and ident info when known. */
export function lookupRules(src: RuleSource, ip: string, host?: string, info?: string): RuleDecision {
  for (const key of candidateKeys(src, ip, host, info)) {
    const data = src.find(key);
    if (data !== undefined) return decodeRuleData(key, data);
  }
  return { key: undefined, deny: false, env: [] };
}
