// PREFIX/share/fortress/installed.json: what `fortress install` wrote, so that `fortress
// uninstall` removes exactly that, and a second install may replace only its own files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstalledFile {
  path: string;
  /** sha256 of the content written: a file changed since is someone else's now. */
  sha256: string;
}

export interface InstallRecord {
  node: string;
  files: InstalledFile[];
  /** Lines appended to a file (the inittab line), removed again line for line. */
  lines: { path: string; line: string }[];
  /** Directories install created, removed again when empty. */
  directories: string[];
}

export function recordPath(prefix: string): string {
  return join(prefix, 'share', 'fortress', 'installed.json');
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The record of an earlier install under prefix, or undefined. */
export function readRecord(prefix: string): InstallRecord | undefined {
  const file = recordPath(prefix);
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<InstallRecord>;
  return { node: raw.node ?? '', files: raw.files ?? [], lines: raw.lines ?? [], directories: raw.directories ?? [] };
}

/** Whether path holds exactly what the record says install wrote there. */
export function isOurs(record: InstallRecord | undefined, path: string): boolean {
  const entry = record?.files.find((f) => f.path === path);
  if (!entry) return false;
  try {
    return sha256(readFileSync(path)) === entry.sha256;
  } catch {
    return false;
  }
}
