// Account and group lookup from /etc/passwd and /etc/group, without loading libc bindings.
import { fs } from './node-fs.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

export interface Group {
  name: string;
  gid: number;
  members: string[];
}

/** Reads a colon-separated database; a missing or unreadable file reads as empty. */
function records(file: string): string[][] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

const isId = (s: string | undefined): s is string => s !== undefined && /^[0-9]+$/.test(s);

/** getpwnam(3) over `passwdFile`: the first entry with this name, or undefined. */
export function findAccount(name: string, passwdFile = '/etc/passwd'): Account | undefined {
  for (const f of records(passwdFile)) {
    if (f[0] === name && isId(f[2]) && isId(f[3])) return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/** getgrnam(3) over `groupFile`. */
export function findGroup(name: string, groupFile = '/etc/group'): Group | undefined {
  for (const f of records(groupFile)) {
    if (f[0] === name && isId(f[2]))
      return { name, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
  }
  return undefined;
}

/** A group given by name, or by number when no group has that name. */
export function resolveGroup(spec: string, groupFile = '/etc/group'): number | undefined {
  const group = findGroup(spec, groupFile);
  if (group) return group.gid;
  return isId(spec) ? Number(spec) : undefined;
}

/** The account's groups as initgroups(3) sets them: its primary group and every group listing it. */
export function accountGroups(account: Account, groupFile = '/etc/group'): number[] {
  const gids = new Set<number>([account.gid]);
  for (const f of records(groupFile)) {
    if (isId(f[2]) && (f[3] ?? '').split(',').includes(account.name)) gids.add(Number(f[2]));
  }
  return [...gids];
}
