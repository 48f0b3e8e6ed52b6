// Reads a djb cdb. Works on an open descriptor with positional reads, so a large rules
// database costs a few small reads per lookup, not a whole-file read per connection.
import { closeSync, openSync, readSync } from 'node:fs';
import { FortressError } from '@fortress/core/errors';
import { cdbHash } from './cdb-hash.js';

export interface CdbSource {
  /** Fills buf from position; returns bytes read. */
  read(buf: Buffer, position: number): number;
}

function fullRead(src: CdbSource, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = src.read(buf.subarray(done), position + done);
    if (n === 0) throw new FortressError('EPROTO', 'cdb format error');
    done += n;
  }
  return buf;
}

/** Every data value stored under key, in lookup order (the first is what tcpserver uses). */
export function cdbFindAll(src: CdbSource, key: Uint8Array | string, limit = Infinity): Buffer[] {
  const k = typeof key === 'string' ? Buffer.from(key, 'latin1') : key;
  const hash = cdbHash(k);
  const head = fullRead(src, 8, (hash & 255) * 8);
  const tablePos = head.readUInt32LE(0);
  const slots = head.readUInt32LE(4);
  const found: Buffer[] = [];
  if (slots === 0) return found;
  let slot = (hash >>> 8) % slots;
  for (let n = 0; n < slots && found.length < limit; n++) {
    const s = fullRead(src, 8, tablePos + slot * 8);
    const recordPos = s.readUInt32LE(4);
    if (recordPos === 0) break;
    if (s.readUInt32LE(0) === hash) {
      const rh = fullRead(src, 8, recordPos);
      const klen = rh.readUInt32LE(0);
      const dlen = rh.readUInt32LE(4);
      if (klen === k.length) {
        const rk = klen === 0 ? Buffer.alloc(0) : fullRead(src, klen, recordPos + 8);
        if (rk.equals(k)) found.push(dlen === 0 ? Buffer.alloc(0) : fullRead(src, dlen, recordPos + 8 + klen));
      }
    }
    slot = (slot + 1) % slots;
  }
  return found;
}

/** The first data value stored under key, or undefined. */
export function cdbFind(src: CdbSource, key: Uint8Array | string): Buffer | undefined {
  return cdbFindAll(src, key, 1)[0];
}

/** A CdbSource over an in-memory buffer. */
export function bufferSource(buf: Buffer): CdbSource {
  return {
    read(out, position) {
      if (position >= buf.length) return 0;
      return buf.copy(out, 0, position, Math.min(buf.length, position + out.length));
    },
  };
}

/** Opens FILE, runs fn with a descriptor-backed source, closes. Throws the open error (ENOENT…). */
export function withCdbFile<T>(file: string, fn: (src: CdbSource) => T): T {
  const fd = openSync(file, 'r');
  try {
    return fn({ read: (out, position) => readSync(fd, out, 0, out.length, position) });
  } finally {
    closeSync(fd);
  }
}
