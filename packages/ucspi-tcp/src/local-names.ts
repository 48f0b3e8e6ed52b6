// HOST and PORT without the network: addresses, `0`, names from /etc/hosts; ports as
// numbers or names from /etc/services.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** The bind address for HOST, or undefined when /etc/hosts has no address for it. */
export function resolveLocalHost(host: string, hostsFile = '/etc/hosts'): string | undefined {
  if (host === '' || host === '0') return '0.0.0.0';
  if (isIP(host)) return host;
  let text = '';
  try {
    text = readFileSync(hostsFile, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = host.toLowerCase().replace(/\.$/, '');
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address && isIP(address) && names.some((n) => n.toLowerCase() === wanted)) found.push(address);
  }
  // Prefer IPv4 as djb's dns_ip4 did; IPv6 when that is all the name has.
  return found.find((a) => isIP(a) === 4) ?? found[0];
}

/** The port number for PORT, or undefined. */
export function resolvePort(port: string, servicesFile = '/etc/services'): number | undefined {
  if (/^\d+$/.test(port)) {
    const n = Number(port);
    return n <= 65535 ? n : undefined;
  }
  let text = '';
  try {
    text = readFileSync(servicesFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, portProto, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const m = /^(\d+)\/tcp$/.exec(portProto ?? '');
    if (m && (name === port || aliases.includes(port))) return Number(m[1]);
  }
  return undefined;
}
