// -u/-g/-U: switch account after binding. Numeric ids as the original; account and group
// names (from /etc/passwd, /etc/group) as an extension.
import { readFileSync } from 'node:fs';
import { FortressError } from '@fortress/core/errors';

function lookupId(file: string, name: string): number | undefined {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return undefined;
}

/** '' → 0 (unchanged); digits → the number; a name → its id, or a FortressError (ERR_UNKNOWN_ACCOUNT). */
export function resolveId(value: string, kind: 'user' | 'group'): number {
  if (value === '') return 0;
  if (/^\d+$/.test(value)) return Number(value);
  const id = lookupId(kind === 'user' ? '/etc/passwd' : '/etc/group', value);
  if (id === undefined)
    throw new FortressError('ERR_UNKNOWN_ACCOUNT', `unknown ${kind === 'user' ? 'account' : 'group'} ${value}`);
  return id;
}

/** setgroups([gid]) + setgid, then setuid; 0 leaves that id unchanged. Throws the system error. */
export function dropPrivileges(uid: number, gid: number): void {
  if (gid) {
    process.setgroups?.([gid]);
    process.setgid?.(gid);
  }
  if (uid) process.setuid?.(uid);
}
