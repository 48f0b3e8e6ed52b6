// setuidgid's account argument: `user`, or `user:group[:group...]` as runit's chpst -u takes it.
import { FortressError } from '@fortress/core/errors';
import { findAccount, resolveGroup } from './account.js';

export interface Credentials {
  user: string;
  uid: number;
  gid: number;
  /** Explicit supplementary groups, or undefined for the account's own (initgroups). */
  groups: number[] | undefined;
}

export type CredentialsResult =
  | { ok: true; credentials: Credentials }
  | { ok: false; unknown: 'account' | 'group'; name: string };

/** Resolves `user[:group...]`; the first group becomes the primary group, all of them the group list. */
export function resolveCredentials(spec: string): CredentialsResult {
  const [user, ...groupNames] = spec.split(':') as [string, ...string[]];
  const account = findAccount(user);
  if (!account) return { ok: false, unknown: 'account', name: spec.includes(':') ? user : spec };
  if (groupNames.length === 0)
    return { ok: true, credentials: { user, uid: account.uid, gid: account.gid, groups: undefined } };
  const groups: number[] = [];
  for (const name of groupNames) {
    const gid = resolveGroup(name);
    if (gid === undefined) return { ok: false, unknown: 'group', name };
    groups.push(gid);
  }
  return { ok: true, credentials: { user, uid: account.uid, gid: groups[0]!, groups } };
}

/**
 * initgroups (or setgroups), setgid, setuid — in that order, so no privilege is needed after the
 * last. Throws a FortressError (ERR_SWITCH): `unable to setgid` / `unable to setuid`.
 */
export function switchTo(credentials: Credentials): void {
  try {
    if (credentials.groups === undefined) process.initgroups!(credentials.user, credentials.gid);
    else process.setgroups!(credentials.groups);
    process.setgid!(credentials.gid);
  } catch (err) {
    throw new FortressError('ERR_SWITCH', 'unable to setgid', err);
  }
  try {
    process.setuid!(credentials.uid);
  } catch (err) {
    throw new FortressError('ERR_SWITCH', 'unable to setuid', err);
  }
}
