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

/** Parses one /proc/net table: TCP sockets in LISTEN, UDP sockets bound but not connected. */
export function parseProcNet(text: string, proto: Protocol, family: 4 | 6): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [local = '', remote = '', state = ''] = [f[1], f[2], f[3]];
    if (proto === 'tcp' ? state !== TCP_LISTEN : state !== UDP_UNCONNECTED) continue;
    const remotePort = remote.split(':')[1];
    if (proto === 'udp' && remotePort !== '0000') continue;
    const [addrHex = '', portHex = '0'] = local.split(':');
    sockets.push({
      proto,
      family,
      address: decodeProcAddress(addrHex),
      port: Number.parseInt(portHex, 16),
      uid: Number(f[7]),
      inode: Number(f[9]),
    });
  }
  return sockets;
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
