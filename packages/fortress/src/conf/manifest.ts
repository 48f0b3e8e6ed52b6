// service-templates/NAME/template.json: what a template needs beyond its files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PathSpec {
  /** Octal mode, e.g. "2755". */
  mode?: string;
  /** A variable naming the owning account (USER, LOGUSER); root (the caller) otherwise. */
  owner?: string;
  /** For files: this many random bytes as content (dnscache's seed). */
  random?: number;
  /** For files: literal content (placeholders filled in). */
  content?: string;
}

export interface Manifest {
  description: string;
  /** Defaults of the variables. */
  variables: Record<string, string>;
  /** Variables the caller must give. */
  required: string[];
  /** Variables naming accounts to create when missing. */
  accounts: string[];
  /** Directories to create (beyond those holding template files), with owner and mode. */
  directories: Record<string, PathSpec>;
  /** Extra files, or modes/owners of template files. */
  files: Record<string, PathSpec>;
  /** A directory holding one empty file per comma-separated item of a variable (dnscache's root/ip). */
  lists: Record<string, { variable: string; mode?: string }>;
  /** Template files left out when their rendered content is empty. */
  optional: string[];
}

/** The package's own service-templates/ (or $FORTRESS_TEMPLATES): beside dist/, so it travels with `npm pack`. */
export function templatesDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['FORTRESS_TEMPLATES'] ?? fileURLToPath(new URL('../../service-templates/', import.meta.url));
}

/** The templates there: directories holding a template.json. */
export function templateNames(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    const dir = templatesDir(env);
    return readdirSync(dir)
      .filter((n) => existsSync(join(dir, n, 'template.json')))
      .sort();
  } catch {
    return [];
  }
}

/** Loads a template's manifest; undefined for an unknown template. */
export function loadManifest(name: string, env: NodeJS.ProcessEnv = process.env): Manifest | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return undefined;
  const file = join(templatesDir(env), name, 'template.json');
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  return {
    description: raw.description ?? name,
    variables: raw.variables ?? {},
    required: raw.required ?? [],
    accounts: raw.accounts ?? [],
    directories: raw.directories ?? {},
    files: raw.files ?? {},
    lists: raw.lists ?? {},
    optional: raw.optional ?? [],
  };
}
