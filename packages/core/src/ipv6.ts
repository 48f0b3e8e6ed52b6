// IPv6 text ↔ 16 bytes, canonical (RFC 5952) formatting and prefix masking for rule keys.
import { isIPv4, isIPv6 } from 'node:net';

/** The 16 bytes of an IPv6 address in any textual form (with embedded IPv4 allowed). */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let head = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = `${text.slice(0, lastColon + 1)}${tailV4.length ? '0:0' : ''}`;
  }
  const [left = '', right] = head.split('::');
  const leftParts = left === '' ? [] : left.split(':');
  const rightParts = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - leftParts.length - rightParts.length;
  const groups = [...leftParts, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightParts];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = Number.parseInt(groups[i] ?? '0', 16);
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 255;
  }
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

/** True for ::ffff:a.b.c.d. */
export function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 255 && bytes[11] === 255;
}

/** RFC 5952 text: lower case, longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((bytes[i * 2] as number) << 8) | (bytes[i * 2 + 1] as number));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Zeroes every bit after the first `length`. */
export function maskBytes(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let bit = length; bit < out.length * 8; bit++) {
    out[bit >> 3] = (out[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  }
  return out;
}

/**
 * The text a client address is looked up by: dotted IPv4 for IPv4 and v4-mapped IPv6
 * clients (as the IPv6 patch does), canonical IPv6 text otherwise.
 */
export function clientAddressText(address: string): string {
  if (isIPv4(address)) return address;
  const bytes = parseIPv6(address);
  if (!bytes) return address;
  if (isV4Mapped(bytes)) return bytes.subarray(12).join('.');
  return formatIPv6(bytes);
}
