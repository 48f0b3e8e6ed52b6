// IP addresses: formatting what /proc/net holds, and the audit's verdict on where a socket listens.
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { formatIPv6, isV4Mapped, parseIPv6 } from '@fortress/core/ipv6';

export type Verdict = 'wildcard' | 'loopback' | 'link-local' | 'private' | 'public' | 'multicast';

/** Parses dotted IPv4 into 4 bytes, or undefined. */
function ipv4Bytes(address: string): number[] | undefined {
  if (!isIPv4(address)) return undefined;
  return address.split('.').map(Number);
}

/** Expands an IPv6 address into 8 16-bit groups (an embedded IPv4 tail included), or undefined. */
export function ipv6Groups(address: string): number[] | undefined {
  const bytes = parseIPv6(address.replace(/%.*$/, ''));
  if (!bytes) return undefined;
  return Array.from({ length: 8 }, (_, i) => ((bytes[i * 2] as number) << 8) | (bytes[i * 2 + 1] as number));
}

function groupBytes(groups: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 255;
  });
  return bytes;
}

/** The usual compressed text of 8 groups (longest run of zeros as `::`, IPv4-mapped as ::ffff:a.b.c.d). */
export function formatIpv6(groups: readonly number[]): string {
  const bytes = groupBytes(groups);
  return isV4Mapped(bytes) ? `::ffff:${bytes.subarray(12).join('.')}` : formatIPv6(bytes);
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or undefined. */
function mappedIpv4(groups: readonly number[]): string | undefined {
  const bytes = groupBytes(groups);
  return isV4Mapped(bytes) ? bytes.subarray(12).join('.') : undefined;
}

/** Where an address listens: the audit's verdict. */
export function classifyAddress(address: string): Verdict {
  const b = ipv4Bytes(address);
  if (b) {
    const [a = 0, s = 0] = b;
    if (b.every((x) => x === 0)) return 'wildcard';
    if (a === 127) return 'loopback';
    if (a === 169 && s === 254) return 'link-local';
    if (a === 10 || (a === 172 && s >= 16 && s <= 31) || (a === 192 && s === 168) || (a === 100 && s >= 64 && s <= 127))
      return 'private';
    if (a >= 224 && a <= 239) return 'multicast';
    return 'public';
  }
  const g = ipv6Groups(address);
  if (!g) throw new TypeError(`not an IP address: ${address}`);
  const mapped = mappedIpv4(g);
  if (mapped) return classifyAddress(mapped);
  if (g.every((x) => x === 0)) return 'wildcard';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  const first = g[0] ?? 0;
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xfe00) === 0xfc00) return 'private';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** True for 0.0.0.0, ::, and tcpserver's `0`. */
export function isWildcard(address: string): boolean {
  if (address === '0') return true;
  return (isIPv4(address) || isIPv6(address)) && classifyAddress(address) === 'wildcard';
}

/** True when this machine can bind the address: all of 127.0.0.0/8, ::1, and the interfaces' addresses. */
export function isLocalAddress(address: string): boolean {
  if (isIPv4(address) && address.startsWith('127.')) return true;
  const g = ipv6Groups(address);
  const canonical = g ? formatIpv6(g) : address;
  if (canonical === '::1') return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const mine = info.family === 'IPv6' ? formatIpv6(ipv6Groups(info.address) ?? []) : info.address;
      if (mine === canonical) return true;
    }
  }
  return false;
}
