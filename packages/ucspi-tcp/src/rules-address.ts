// The address part of a rule → cdb keys. ucspi-tcp 0.88 forms are kept verbatim or expanded
// as tcprules does (ranges `1.2.3.4-7`). Extensions, designed so Debian's tcpserver still
// reads the IPv4 part of the cdb correctly:
// * IPv4 CIDR `10.0.0.0/12` expands into the keys tcpserver already looks up: octet
//   prefixes (`10.0.` … `10.15.`), or exact addresses below /24; `/0` is the empty key (the
//   default rule).
// * IPv6 `fd00::1` is stored in canonical form; IPv6 CIDR `fd00::/8` as the canonical
//   network plus `/LEN`, and the record IPV6_PREFIXES_KEY lists the lengths in use, so a
//   lookup tries only those. Debian's tcpserver never asks for either (it only sees IPv4).
// * v4-mapped IPv6 (`::ffff:1.2.3.4`, with /96–/128) becomes the IPv4 form.
// A prefix form that would match nothing (host bits set, a length that is not a number or too
// long, the unspecified address `::`) is refused with a FortressError (ERR_ADDRESS) saying why, where the
// original would store a key no client ever matches.
import { isIPv4 } from 'node:net';
import { EXIT_PERMANENT, FortressError } from '@fortress/core/errors';
import { formatIPv6, isV4Mapped, maskBytes, parseIPv6 } from '@fortress/core/ipv6';

export const IPV6_PREFIXES_KEY = '%ipv6-prefixes';

/** The code of an address that parses but means nothing; the error's `text` says why. */
export const ERR_ADDRESS = 'ERR_ADDRESS';

function addressError(reason: string): FortressError {
  return new FortressError(ERR_ADDRESS, reason, undefined, EXIT_PERMANENT);
}

/** `/LEN` → LEN, refusing what is not a decimal number up to `max`. */
function prefixLength(text: string, max: number): number {
  if (!/^\d+$/.test(text)) throw addressError(`prefix length ${text} is not a number`);
  const length = Number(text);
  if (length > max) throw addressError(`prefix length ${text} is more than ${max}`);
  return length;
}

/** `written` is the address as the rule has it, for the message; `mapped` when it was `::ffff:a.b.c.d/LEN`. */
function expandIPv4Cidr(address: string, length: number, written: string, mapped = false): string[] {
  const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const base = value - (value % 2 ** (32 - length));
  if (base !== value) {
    const network = [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.');
    const prefix = mapped ? `::ffff:${network}/${length + 96}` : `${network}/${length}`;
    throw addressError(`${written} has host bits set: the network is ${prefix}`);
  }
  // Every address: the default rule, looked up last (after host names), not 256 one-octet keys.
  if (length === 0) return [''];
  const octets = Math.ceil(length / 8);
  const span = 2 ** (octets * 8 - length);
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
  const bytes = parseIPv6(addressText);
  if (!bytes) return undefined;
  const length = slash >= 0 ? prefixLength(rest.slice(slash + 1), 128) : 128;
  if (length === 128 && bytes.every((b) => b === 0))
    throw addressError(':: is the unspecified address: no client has it');
  if (info && length !== 128) throw addressError('a prefix length cannot follow info@');
  if (isV4Mapped(bytes)) {
    const v4 = bytes.subarray(12).join('.');
    if (length === 128) return [`${info}${v4}`];
    if (length < 96) throw addressError(`${rest} mixes IPv4-mapped and other IPv6 addresses: use /96 or longer`);
    const keys = expandIPv4Cidr(v4, length - 96, rest, true);
    // /96 is every IPv4 client: the 256 one-octet keys, not the default rule (IPv6 clients too).
    return length === 96 ? expandIPv4Octets() : keys;
  }
  if (length === 128) return [`${info}${formatIPv6(bytes)}`];
  const network = maskBytes(bytes, length);
  if (network.some((b, i) => b !== bytes[i]))
    throw addressError(`${rest} has host bits set: the network is ${formatIPv6(network)}/${length}`);
  return [`${formatIPv6(network)}/${length}`];
}

function expandIPv4Octets(): string[] {
  return Array.from({ length: 256 }, (_, i) => `${i}.`);
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
 * Keys for an address; undefined when it does not parse. Throws a FortressError (ERR_ADDRESS) for a prefix
 * form that parses but would match nothing. With ipv6Only, only the IPv6 forms are accepted
 * (used to find the separator in `::1:allow`).
 */
export function expandAddress(address: string, ipv6Only: boolean): string[] | undefined {
  if (address.includes(':')) return expandIPv6(address);
  if (ipv6Only) return undefined;
  if (!address.includes('=') && address.includes('/')) return expandIPv4Prefix(address);
  if (!address.includes('=') && !address.includes('@') && address.includes('-')) return expandRange(address);
  return [address];
}

// `10.0.0.0/8`: anything else with a `/` (a length that is not a number, a host name, a range,
// info@) would be stored by the original as a key no client matches: refused instead.
function expandIPv4Prefix(address: string): string[] {
  const slash = address.indexOf('/');
  const network = address.slice(0, slash);
  if (network.includes('@')) throw addressError('a prefix length cannot follow info@');
  if (!isIPv4(network)) throw addressError(`${network} before /${address.slice(slash + 1)} is not an IPv4 address`);
  return expandIPv4Cidr(network, prefixLength(address.slice(slash + 1), 32), address);
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
