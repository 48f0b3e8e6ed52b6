// Lays out a service directory from a template: files with placeholders filled in, modes and owners
// as the manifest says (control files the caller's, i.e. root's; log/main the log account's).
// Built under a dot-name next to DIR and renamed into place, so svscan never sees half a service.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Account } from './accounts.js';
import type { Manifest, PathSpec } from './manifest.js';
import { fillPlaceholders } from './placeholders.js';

export interface LayoutRequest {
  manifest: Manifest;
  templateDir: string;
  target: string;
  values: Record<string, string>;
  /** Accounts by variable name (USER -> the service account). */
  accounts: Map<string, Account>;
}

const MANIFEST_FILE = 'template.json';

function mode(spec: PathSpec | undefined, fallback: number): number {
  return spec?.mode ? Number.parseInt(spec.mode, 8) : fallback;
}

/** Lists template files and directories relative to the template root, parents first. */
function walk(root: string, rel = ''): { path: string; dir: boolean }[] {
  const out: { path: string; dir: boolean }[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    if (path === MANIFEST_FILE) continue;
    const dir = statSync(join(root, path)).isDirectory();
    out.push({ path, dir });
    if (dir) out.push(...walk(root, path));
  }
  return out;
}

export function layOut(req: LayoutRequest): void {
  const { manifest, templateDir, target, values, accounts } = req;
  const staging = join(dirname(target), `.${basename(target)}.fortress-conf-${process.pid}`);
  const asRoot = process.getuid?.() === 0;
  const owners: [string, string | undefined, number][] = [];
  const place = (rel: string, spec: PathSpec | undefined, m: number): void => {
    chmodSync(join(staging, rel), m);
    owners.push([rel, spec?.owner, m]);
  };
  mkdirSync(staging, { mode: 0o700 });
  try {
    place('', manifest.directories['.'], mode(manifest.directories['.'], 0o755));
    for (const entry of walk(templateDir)) {
      const dest = join(staging, entry.path);
      if (entry.dir) {
        mkdirSync(dest);
        place(entry.path, manifest.directories[entry.path], mode(manifest.directories[entry.path], 0o755));
        continue;
      }
      const source = join(templateDir, entry.path);
      const text = fillPlaceholders(readFileSync(source, 'utf8'), values, entry.path);
      if (text.trim() === '' && manifest.optional.includes(entry.path)) continue;
      writeFileSync(dest, text);
      const executable = (statSync(source).mode & 0o100) !== 0;
      place(entry.path, manifest.files[entry.path], mode(manifest.files[entry.path], executable ? 0o755 : 0o644));
    }
    for (const [rel, spec] of Object.entries(manifest.directories)) {
      if (rel === '.' || existsSync(join(staging, rel))) continue;
      mkdirSync(join(staging, rel), { recursive: true });
      place(rel, spec, mode(spec, 0o755));
    }
    for (const [rel, spec] of Object.entries(manifest.files)) {
      if (existsSync(join(staging, rel))) continue;
      if (spec.random === undefined && spec.content === undefined) continue;
      const content = spec.random ? randomBytes(spec.random) : fillPlaceholders(spec.content ?? '', values, rel);
      writeFileSync(join(staging, rel), content);
      place(rel, spec, mode(spec, 0o644));
    }
    for (const [rel, list] of Object.entries(manifest.lists)) {
      mkdirSync(join(staging, rel), { recursive: true });
      for (const item of (values[list.variable] ?? '').split(',').filter(Boolean)) {
        const file = `${rel}/${item}`;
        writeFileSync(join(staging, file), '');
        place(file, undefined, mode(list, 0o644));
      }
    }
    if (asRoot) {
      for (const [rel, owner] of owners) {
        const account = owner ? accounts.get(owner) : undefined;
        chownSync(join(staging, rel), account?.uid ?? 0, account?.gid ?? 0);
      }
      // chown clears set-id bits on some file systems: apply the modes once more.
      for (const [rel, , m] of owners) chmodSync(join(staging, rel), m);
    }
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
