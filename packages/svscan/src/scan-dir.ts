// One pass over the scan directory with daemontools 0.76's rules: dot-names skipped, entries
// followed through symlinks, non-directories ignored, identity by device and inode.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ScannedService {
  /** Name in the scan directory (the first one seen when several point at one directory). */
  name: string;
  /** `dev:ino` of the directory after following symlinks: the service's identity. */
  key: string;
}

export interface ScanProblem {
  name: string;
  error: unknown;
}

export interface ScanResult {
  services: ScannedService[];
  /** Names that could not be stat'ed (dangling symlinks, loops, permission): one warning each. */
  problems: ScanProblem[];
}

/** Identity of a directory by device and inode, following symlinks. */
export function directoryKey(dev: number | bigint, ino: number | bigint): string {
  return `${dev}:${ino}`;
}

/** Reads DIR once. Throws only when DIR itself cannot be read. */
export function scanDirectory(dir: string): ScanResult {
  const names = readdirSync(dir).sort();
  const services: ScannedService[] = [];
  const problems: ScanProblem[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name.startsWith('.')) continue;
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(join(dir, name), { bigint: true });
    } catch (error) {
      problems.push({ name, error });
      continue;
    }
    if (!st.isDirectory()) continue;
    const key = directoryKey(st.dev, st.ino);
    if (seen.has(key)) continue;
    seen.add(key);
    services.push({ name, key });
  }
  return { services, problems };
}
