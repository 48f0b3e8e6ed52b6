// `--allow 22/tcp,68/udp,8080`: wildcard listeners the operator accepts (a bare port means both protocols).
import type { Protocol } from './proc-net.js';

export interface AllowRule {
  port: number;
  proto: Protocol | 'any';
}

/** Parses the list; throws a TypeError naming the bad item. */
export function parseAllowList(text: string): AllowRule[] {
  const rules: AllowRule[] = [];
  for (const item of text.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const m = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(trimmed);
    const port = Number(m?.[1]);
    if (!m || port > 65535) throw new TypeError(`bad --allow item: ${trimmed} (expected PORT or PORT/tcp or PORT/udp)`);
    rules.push({ port, proto: (m[2]?.toLowerCase() as Protocol | undefined) ?? 'any' });
  }
  return rules;
}

export function isAllowed(rules: readonly AllowRule[], proto: Protocol, port: number): boolean {
  return rules.some((r) => r.port === port && (r.proto === 'any' || r.proto === proto));
}
