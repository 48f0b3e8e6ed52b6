// The batched UDP addon (native/udp.c): one JS call per batch of datagrams instead of one per
// datagram. Datagrams land in fixed slots of a receive buffer; a meta entry of 32 bytes per
// slot holds [length, port, family, token] as int32s and the address at bytes 16..31.
import { loadAddon, packageDir } from '@fortress/core/addon';
import { SystemError } from '@fortress/core/errors';
import { formatIPv6, isV4Mapped } from '@fortress/core/ipv6';

interface Addon {
  bind(family: number, address: Uint8Array, port: number, receiveBuffer: number): number;
  listen(
    fd: number,
    rx: Uint8Array,
    meta: Uint8Array,
    slots: number,
    slotSize: number,
    cb: (n: number) => void,
  ): Handle;
  upstream(rx: Uint8Array, meta: Uint8Array, slots: number, slotSize: number, cb: (n: number) => void): Handle;
  send(h: Handle, tx: Uint8Array, meta: Uint8Array, count: number, slotSize: number): number;
  ask(
    h: Handle,
    token: number,
    local: Uint8Array,
    port: number,
    servers: Uint8Array,
    at: number,
    q: Uint8Array,
    len: number,
  ): number;
  forget(fd: number): number;
  close(h: Handle): number;
  closeFd(fd: number): number;
}

/** An opaque watched socket or socket set. */
export type Handle = { readonly __udp: unique symbol };

export const addon = loadAddon<Addon>(packageDir(import.meta.url, 'dnscache'), 'udp');

/** Bytes per meta entry, and int32s per entry. */
export const META = 32;
export const META_INTS = 8;
export const EADDRINUSE = -98;
export const ECONNREFUSED = -111;

/** Receive (or send) slots with their meta entries, views of the same memory. */
export class Slots {
  readonly data: Buffer;
  readonly metaBytes: Uint8Array;
  readonly meta: Int32Array;

  readonly count: number;
  readonly size: number;

  constructor(count: number, size: number) {
    this.count = count;
    this.size = size;
    this.data = Buffer.alloc(count * size);
    this.metaBytes = new Uint8Array(count * META);
    this.meta = new Int32Array(this.metaBytes.buffer);
  }
}

/** An address in network order: 4 bytes, or 16 for IPv6. */
export function addressBytes(ip: string): Uint8Array {
  if (!ip.includes(':')) return Uint8Array.from(ip.split('.').map(Number));
  const out = new Uint8Array(16);
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t] : h;
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 255;
  });
  return out;
}

/** Throws a SystemError for a negative (-errno) addon result. */
export function check(syscall: string, r: number): number {
  if (r < 0) throw new SystemError(syscall, -r);
  return r;
}

/** Text of the address in a meta entry, as Node prints it (127.0.0.1, ::1, ::ffff:127.0.0.1). */
export function addressText(meta: Uint8Array, at: number, family: number): string {
  const b = meta;
  const p = at + 16;
  if (family === 4) return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
  const bytes = b.subarray(p, p + 16);
  if (isV4Mapped(bytes)) return `::ffff:${b[p + 12]}.${b[p + 13]}.${b[p + 14]}.${b[p + 15]}`;
  return formatIPv6(bytes);
}
