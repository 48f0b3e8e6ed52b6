// A client's address as the two front ends need it: the text that names its ip/ file and the
// hex that the log shows (7f000001). Both are remembered per address: clients are few and ask
// often, and the UDP side must not make strings for every datagram.
import { addressText } from './udp.js';

/** A client address's text (for ip/) and hex (for the log). */
export interface ClientAddress {
  text: string;
  hex: string;
}

/** Entries remembered before a map is emptied (a flood of sources must not grow it forever). */
const REMEMBERED = 10000;
const hexOf = new Map<string, string>();
const clients4 = new Map<number, ClientAddress>();

/** The client in a receive meta entry at byte offset `at` (udp.ts's layout). */
export function clientOf(metaBytes: Uint8Array, meta: Int32Array, at: number): ClientAddress {
  const family = meta[(at >> 2) + 2]!;
  if (family === 4) {
    const key = meta[(at >> 2) + 4]!;
    let c = clients4.get(key);
    if (c === undefined) {
      if (clients4.size > REMEMBERED) clients4.clear();
      const text = addressText(metaBytes, at, 4);
      c = { text, hex: addressHex(text) };
      clients4.set(key, c);
    }
    return c;
  }
  const text = addressText(metaBytes, at, family);
  return { text, hex: clientHex(text) };
}

/** 127.0.0.1 → 7f000001, remembered. */
export function clientHex(address: string): string {
  let h = hexOf.get(address);
  if (h === undefined) {
    if (hexOf.size > REMEMBERED) hexOf.clear();
    h = addressHex(address);
    hexOf.set(address, h);
  }
  return h;
}

/** 127.0.0.1 → 7f000001; IPv6 addresses as 32 hex digits. */
export function addressHex(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return addressHex(address.slice(7));
  if (address.includes(':')) {
    const [head = '', tail = ''] = address.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = address.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return groups.map((g) => g.padStart(4, '0')).join('');
  }
  let out = '';
  for (const part of address.split('.')) out += (Number(part) & 255).toString(16).padStart(2, '0');
  return out;
}
