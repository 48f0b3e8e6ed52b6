// Writes a djb cdb: 2048-byte header, records in insertion order, then 256 hash tables
// of 2 × count slots filled by linear probing from (h >>> 8) mod slots.
import { cdbHash } from './cdb-hash.js';

interface Entry {
  hash: number;
  position: number;
}

export class CdbMaker {
  private readonly chunks: Buffer[] = [];
  private readonly entries: Entry[][] = Array.from({ length: 256 }, () => []);
  private position = 2048;

  add(key: Uint8Array | string, data: Uint8Array | string): void {
    const k = typeof key === 'string' ? Buffer.from(key, 'latin1') : Buffer.from(key);
    const d = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(k.length, 0);
    head.writeUInt32LE(d.length, 4);
    this.chunks.push(head, k, d);
    const hash = cdbHash(k);
    (this.entries[hash & 255] as Entry[]).push({ hash, position: this.position });
    this.position += 8 + k.length + d.length;
    if (this.position > 0xffff_ffff) throw new RangeError('cdb larger than 4 GiB');
  }

  /** The complete file. */
  finish(): Buffer {
    const header = Buffer.alloc(2048);
    const tables: Buffer[] = [];
    let position = this.position;
    for (let i = 0; i < 256; i++) {
      const list = this.entries[i] as Entry[];
      const slots = list.length * 2;
      header.writeUInt32LE(position >>> 0, i * 8);
      header.writeUInt32LE(slots, i * 8 + 4);
      if (slots === 0) continue;
      const table = Buffer.alloc(slots * 8);
      for (const { hash, position: recordPosition } of list) {
        let slot = (hash >>> 8) % slots;
        while (table.readUInt32LE(slot * 8 + 4) !== 0) slot = (slot + 1) % slots;
        table.writeUInt32LE(hash, slot * 8);
        table.writeUInt32LE(recordPosition, slot * 8 + 4);
      }
      tables.push(table);
      position += table.length;
      if (position > 0xffff_ffff) throw new RangeError('cdb larger than 4 GiB');
    }
    return Buffer.concat([header, ...this.chunks, ...tables]);
  }
}
