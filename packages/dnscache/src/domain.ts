// Domain names in wire form (length-prefixed labels ending with a zero byte), as djbdns keeps
// them: compared case-insensitively, never decompressed twice. All functions take Buffers.

/** Bytes of the name starting at pos, root label included. */
export function domainLength(d: Uint8Array, pos = 0): number {
  let p = pos;
  for (;;) {
    const c = d[p] ?? 0;
    p += c + 1;
    if (c === 0) return p - pos;
  }
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Same name, ignoring ASCII case (dns_domain_equal). */
export function domainEqual(a: Uint8Array, b: Uint8Array, aPos = 0, bPos = 0): boolean {
  const n = domainLength(a, aPos);
  if (domainLength(b, bPos) !== n) return false;
  for (let i = 0; i < n; i++) if (lower(a[aPos + i]!) !== lower(b[bPos + i]!)) return false;
  return true;
}

/** Offset in big at which little starts as a whole-label suffix, or -1 (dns_domain_suffixpos). */
export function domainSuffixPos(big: Uint8Array, little: Uint8Array): number {
  let p = 0;
  for (;;) {
    if (domainEqual(big, little, p)) return p;
    const c = big[p] ?? 0;
    if (c === 0) return -1;
    p += c + 1;
  }
}

export function domainSuffix(big: Uint8Array, little: Uint8Array): boolean {
  return domainSuffixPos(big, little) >= 0;
}

/** A lowercased copy of the name at d[pos...]. */
export function domainLower(d: Uint8Array, pos = 0): Buffer {
  const n = domainLength(d, pos);
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = lower(d[pos + i]!);
  return out;
}

/** Lowercase byte-wise comparison for sorting (case_diffb over equal lengths). */
export function domainCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(domainLength(a), domainLength(b));
  for (let i = 0; i < n; i++) {
    const d = lower(a[i]!) - lower(b[i]!);
    if (d) return d;
  }
  return 0;
}

/** `www.test` → \3www\4test\0; `@`, `.` and `` are the root. Undefined for an impossible name. */
export function domainFromText(text: string): Buffer | undefined {
  const labels = text === '@' || text === '.' || text === '' ? [] : text.replace(/\.$/, '').split('.');
  const parts: number[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length === 0 || bytes.length > 63) return undefined;
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0);
  if (parts.length > 255) return undefined;
  return Buffer.from(parts);
}

/** The log form: lowercase, a dot after every label, `.` for the root, `?` for odd bytes. */
export function domainText(d: Uint8Array, pos = 0): string {
  let p = pos;
  let c = d[p] ?? 0;
  if (c === 0) return '.';
  let out = '';
  while (c !== 0) {
    let plain = true;
    for (let i = 1; i <= c; i++) {
      const ch = d[p + i] ?? 0;
      if (ch <= 32 || ch > 126 || (ch >= 65 && ch <= 90)) plain = false;
    }
    if (plain && Buffer.isBuffer(d)) out += d.toString('latin1', p + 1, p + 1 + c);
    else {
      for (let i = 1; i <= c; i++) {
        const ch = d[p + i] ?? 0;
        out += ch <= 32 || ch > 126 ? '?' : String.fromCharCode(lower(ch));
      }
    }
    out += '.';
    p += c + 1;
    c = d[p] ?? 0;
  }
  return out;
}
