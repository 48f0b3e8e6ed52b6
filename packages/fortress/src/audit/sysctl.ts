// The kernel settings the article asks for: reverse-path filtering on (so a packet claiming a source
// address from another network is dropped) and source routing refused.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SysctlCheck {
  /** e.g. net.ipv4.conf.eth0.rp_filter */
  name: string;
  /** The value in effect for this interface (the kernel combines `all` and the interface's own). */
  value: number;
  ok: boolean;
  advice: string;
}

function readNumber(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

function interfaces(confDir: string): string[] {
  try {
    return readdirSync(confDir).filter((n) => n !== 'all' && n !== 'default');
  } catch {
    return [];
  }
}

/**
 * rp_filter in effect is max(all, interface); IPv4 accept_source_route is accepted only when both
 * `all` and the interface allow it; IPv6 likewise (a value > 0 accepts routing headers).
 */
export function checkSysctls(procRoot = '/proc'): SysctlCheck[] {
  const checks: SysctlCheck[] = [];
  const v4 = join(procRoot, 'sys/net/ipv4/conf');
  const rpAll = readNumber(join(v4, 'all/rp_filter'));
  const srAll = readNumber(join(v4, 'all/accept_source_route'));
  for (const ifname of interfaces(v4)) {
    if (ifname === 'lo') continue;
    const rp = readNumber(join(v4, ifname, 'rp_filter'));
    if (rp !== undefined) {
      const value = Math.max(rp, rpAll ?? 0);
      checks.push({
        name: `net.ipv4.conf.${ifname}.rp_filter`,
        value,
        ok: value !== 0,
        advice: value === 0 ? 'spoofed source addresses accepted: set net.ipv4.conf.all.rp_filter=1' : 'on',
      });
    }
    const sr = readNumber(join(v4, ifname, 'accept_source_route'));
    if (sr !== undefined) {
      const value = sr !== 0 && (srAll ?? 0) !== 0 ? 1 : 0;
      checks.push({
        name: `net.ipv4.conf.${ifname}.accept_source_route`,
        value,
        ok: value === 0,
        advice: value === 0 ? 'refused' : 'source-routed packets accepted: set net.ipv4.conf.all.accept_source_route=0',
      });
    }
  }
  const v6 = join(procRoot, 'sys/net/ipv6/conf');
  const sr6All = readNumber(join(v6, 'all/accept_source_route'));
  for (const ifname of interfaces(v6)) {
    if (ifname === 'lo') continue;
    const sr = readNumber(join(v6, ifname, 'accept_source_route'));
    if (sr === undefined) continue;
    const value = Math.min(sr, sr6All ?? 0);
    checks.push({
      name: `net.ipv6.conf.${ifname}.accept_source_route`,
      value,
      ok: value <= 0,
      advice: value <= 0 ? 'refused' : 'routing headers accepted: set net.ipv6.conf.all.accept_source_route=0',
    });
  }
  return checks;
}
