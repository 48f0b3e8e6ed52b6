// Listening sockets as the kernel lists them in /proc/net/{tcp,tcp6,udp,udp6}.
import { readFileSync } from 'node:fs';
import { formatIpv6 } from '../address.js';

export type Protocol = 'tcp' | 'udp';

export interface ListeningSocket {
  proto: Protocol;
  family: 4 | 6;
  address: string;
  port: number;
  /** Socket inode: the link /proc/PID/fd/N -> socket:[INODE] names its owner. */
  inode: number;
  /** Owner uid the kernel recorded when the socket was created. */
  uid: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** The kernel prints each 32-bit word of an address in host byte order (little-endian here). */
function wordBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = hex.length - 2; i >= 0; i -= 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

/** Decodes `0100007F` or a 32-digit IPv6 field into text. */
export function decodeProcAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  const bytes: number[] = [];
  for (let w = 0; w < 32; w += 8) bytes.push(...wordBytes(hex.slice(w, w + 8)));
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return formatIpv6(groups);
}

/**
 * Parses one /proc/net table: TCP sockets in LISTEN, UDP sockets bound but not connected. A busy
 * machine lists tens of thousands of connections: the state is read at its fixed column first
 * (`NNNN: LOCAL REMOTE ST`, addresses 13 or 37 characters wide) and only matching lines are split.
 */
export function parseProcNet(text: string, proto: Protocol, family: 4 | 6): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  const wanted = proto === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
  const width = family === 4 ? 13 : 37;
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const colon = text.indexOf(': ', start);
    if (colon !== -1 && colon < end) {
      const stateAt = colon + 2 + 2 * width + 2;
      if (text.startsWith(wanted, stateAt)) {
        const parsed = parseLine(text.slice(start, end), proto, family);
        if (parsed) sockets.push(parsed);
      }
    }
    start = end + 1;
  }
  return sockets;
}

function parseLine(line: string, proto: Protocol, family: 4 | 6): ListeningSocket | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 10) return undefined;
  const [local = '', remote = ''] = [f[1], f[2]];
  if (proto === 'udp' && remote.split(':')[1] !== '0000') return undefined;
  const [addrHex = '', portHex = '0'] = local.split(':');
  return {
    proto,
    family,
    address: decodeProcAddress(addrHex),
    port: Number.parseInt(portHex, 16),
    uid: Number(f[7]),
    inode: Number(f[9]),
  };
}

/** Every listening socket of this network namespace, IPv4 and IPv6, TCP and UDP; absent tables are skipped. */
export function readListeningSockets(procRoot = '/proc'): ListeningSocket[] {
  const tables: [string, Protocol, 4 | 6][] = [
    ['tcp', 'tcp', 4],
    ['tcp6', 'tcp', 6],
    ['udp', 'udp', 4],
    ['udp6', 'udp', 6],
  ];
  const all: ListeningSocket[] = [];
  for (const [file, proto, family] of tables) {
    let text: string;
    try {
      text = readFileSync(`${procRoot}/net/${file}`, 'latin1');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    all.push(...parseProcNet(text, proto, family));
  }
  return all;
}
