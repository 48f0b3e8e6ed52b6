// The address part of a rule → cdb keys. ucspi-tcp 0.88 forms are kept verbatim or expanded
// as tcprules does (ranges `1.2.3.4-7`). Extensions, designed so Debian's tcpserver still
// reads the IPv4 part of the cdb correctly:
// * IPv4 CIDR `10.0.0.0/12` expands into the keys tcpserver already looks up: octet
//   prefixes (`10.0.` … `10.15.`), or exact addresses below /24.
// * IPv6 `fd00::1` is stored in canonical form; IPv6 CIDR `fd00::/8` as the canonical
//   network plus `/LEN`, and the record IPV6_PREFIXES_KEY lists the lengths in use, so a
//   lookup tries only those. Debian's tcpserver never asks for either (it only sees IPv4).
// * v4-mapped IPv6 (`::ffff:1.2.3.4`, with /97–/128) becomes the IPv4 form.
import { isIPv4 } from 'node:net';
import { formatIPv6, isV4Mapped, maskBytes, parseIPv6 } from '@fortress/core/ipv6';

export const IPV6_PREFIXES_KEY = '%ipv6-prefixes';

function expandIPv4Cidr(address: string, length: number): string[] | undefined {
  if (!isIPv4(address) || length > 32) return undefined;
  const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const octets = Math.max(1, Math.ceil(length / 8));
  const span = 2 ** (octets * 8 - length);
  const base = value - (value % 2 ** (32 - length));
  const keys: string[] = [];
  for (let i = 0; i < span; i++) {
    const v = base + i * 2 ** (32 - octets * 8);
    const parts = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].slice(0, octets);
    keys.push(octets === 4 ? parts.join('.') : `${parts.join('.')}.`);
  }
  return keys;
}

function expandIPv6(text: string): string[] | undefined {
  const at = text.lastIndexOf('@');
  const info = at >= 0 ? text.slice(0, at + 1) : '';
  const rest = text.slice(at + 1);
  const slash = rest.indexOf('/');
  const addressText = slash >= 0 ? rest.slice(0, slash) : rest;
  const lengthText = slash >= 0 ? rest.slice(slash + 1) : '128';
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const bytes = parseIPv6(addressText);
  if (!bytes || length > 128) return undefined;
  if (isV4Mapped(bytes)) {
    const v4 = bytes.subarray(12).join('.');
    if (length === 128) return [`${info}${v4}`];
    if (info || length < 96) return undefined;
    return expandIPv4Cidr(v4, length - 96);
  }
  if (length === 128) return [`${info}${formatIPv6(bytes)}`];
  if (info) return undefined;
  return [`${formatIPv6(maskBytes(bytes, length))}/${length}`];
}

function expandRange(address: string): string[] | undefined {
  const dash = address.indexOf('-');
  const left = address.lastIndexOf('.', dash) + 1;
  const dot = address.indexOf('.', dash + 1);
  const right = dot < 0 ? address.length : dot;
  const low = address.slice(left, dash);
  const high = address.slice(dash + 1, right);
  // Empty numbers count as 0, as scan_ulong in the original.
  if (!/^\d*$/.test(low) || !/^\d*$/.test(high)) return undefined;
  const keys: string[] = [];
  for (let n = Number(low); n <= Math.min(255, Number(high)); n++) {
    keys.push(`${address.slice(0, left)}${n}${address.slice(right)}`);
  }
  return keys;
}

/**
 * Keys for an address; undefined when it does not parse. With ipv6Only, only the IPv6
 * forms are accepted (used to find the separator in `::1:allow`).
 */
export function expandAddress(address: string, ipv6Only: boolean): string[] | undefined {
  if (address.includes(':')) return expandIPv6(address);
  if (ipv6Only) return undefined;
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(address);
  if (cidr) return expandIPv4Cidr(cidr[1] as string, Number(cidr[2]));
  if (!address.includes('=') && !address.includes('@') && address.includes('-')) return expandRange(address);
  return [address];
}

/** The IPv6 prefix lengths used by keys, longest first. */
export function ipv6PrefixLengths(keys: string[]): number[] {
  const lengths = new Set<number>();
  for (const key of keys) {
    const m = /^[0-9a-f:]+\/(\d+)$/.exec(key);
    if (m?.[0].includes(':')) lengths.add(Number(m[1]));
  }
  return [...lengths].sort((a, b) => b - a);
}
