// DNS names for -h, -p and TCPLOCALHOST (only called when those options ask for them).
// As djb's resolver library, $DNSCACHEIP (addresses separated by spaces or commas) names the
// cache to ask instead of /etc/resolv.conf.
import { promises as dns } from 'node:dns';
import { parseIPv6 } from '@fortress/core/ipv6';

let resolver = new dns.Resolver();

/** Applies $DNSCACHEIP, if set and valid; otherwise the system's resolver configuration stays. */
export function configureResolver(env: NodeJS.ProcessEnv): void {
  const list = (env.DNSCACHEIP ?? '').split(/[\s,]+/).filter((a) => a !== '');
  if (list.length === 0) return;
  try {
    const next = new dns.Resolver();
    next.setServers(list);
    resolver = next;
  } catch {
    // Not addresses: keep the default, as the original falls back to 127.0.0.1 only when unset.
  }
}

/** `4.3.2.1.in-addr.arpa` or the ip6.arpa nibble name. */
export function reverseQueryName(ip: string): string | undefined {
  if (!ip.includes(':')) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const bytes = parseIPv6(ip);
  if (!bytes) return undefined;
  const nibbles: string[] = [];
  for (const b of bytes) nibbles.push((b >> 4).toString(16), (b & 15).toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

/** The first PTR name of ip from DNS only (not /etc/hosts, as djb's dns_name4), or undefined. */
export async function reverseName(ip: string): Promise<string | undefined> {
  const query = reverseQueryName(ip);
  if (query === undefined) return undefined;
  try {
    const names = await resolver.resolvePtr(query);
    return names[0];
  } catch {
    return undefined;
  }
}

/** -p: the name is kept only if its addresses include ip. */
export async function nameMapsBack(name: string, ip: string): Promise<boolean> {
  try {
    const addresses = ip.includes(':') ? await resolver.resolve6(name) : await resolver.resolve4(name);
    return addresses.includes(ip);
  } catch {
    return false;
  }
}
