// The records of an upstream answer, parsed once and grouped as query.c's heapsort groups them:
// by type, class, name length, lowercased name, then position in the packet.
import { domainCompare, domainLength } from './domain.js';
import { getName, packetName, u16, u32 } from './packet.js';

export interface Rec {
  /** Position of the record in the packet (its owner name). */
  pos: number;
  name: Buffer;
  type: number;
  rclass: number;
  ttl: number;
  dataPos: number;
  dataLen: number;
}

export interface Sections {
  records: Rec[];
  answers: number;
  authority: number;
  /** Position of the first authority record. */
  posAuthority: number;
  rcode: number;
  flags: number;
}

/** TTLs as the original takes them: above 10^9 is 0, otherwise at most a week. */
export function ttlGet(raw: number): number {
  if (raw > 1000000000) return 0;
  return Math.min(raw, 604800);
}

/** Parses every record of the three sections; undefined if any is malformed. */
export function parseSections(buf: Buffer): Sections | undefined {
  const len = buf.length;
  if (len < 12) return undefined;
  let pos = getName(buf, len, 12);
  if (!pos) return undefined;
  pos += 4;
  const answers = u16(buf, 6);
  const authority = u16(buf, 8);
  const total = answers + authority + u16(buf, 10);
  const records: Rec[] = [];
  let posAuthority = pos;
  for (let j = 0; j < total; j++) {
    if (j === answers) posAuthority = pos;
    const start = pos;
    pos = getName(buf, len, pos);
    if (!pos || pos + 10 > len) return undefined;
    const name = packetName();
    const dataLen = u16(buf, pos + 8);
    const rec: Rec = {
      pos: start,
      name,
      type: u16(buf, pos),
      rclass: u16(buf, pos + 2),
      ttl: u32(buf, pos + 4),
      dataPos: pos + 10,
      dataLen,
    };
    pos += 10 + dataLen;
    if (pos > len) return undefined;
    records.push(rec);
  }
  if (answers === total) posAuthority = pos;
  return { records, answers, authority, posAuthority, rcode: buf[3]! & 15, flags: buf[2]! };
}

/** Records in the original's cache order: (type, class, name length, name, position). */
export function sortedRecords(records: Rec[]): Rec[] {
  return records.slice().sort((a, b) => {
    if (a.type !== b.type) return a.type - b.type;
    if (a.rclass !== b.rclass) return a.rclass - b.rclass;
    const la = domainLength(a.name);
    const lb = domainLength(b.name);
    if (la !== lb) return la - lb;
    return domainCompare(a.name, b.name) || a.pos - b.pos;
  });
}
