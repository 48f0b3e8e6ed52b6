// System accounts for services and their loggers: looked up in /etc/passwd, created with useradd
// (system account, no home, no login shell) when missing, as dnscache-conf's instructions ask.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FortressError } from '@fortress/core/errors';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

// Debian's NAME_REGEX for system accounts, at most 32 characters.
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function isValidUserName(name: string): boolean {
  return USER_NAME.test(name);
}

/** getpwnam over /etc/passwd; undefined when absent. */
export function findAccount(name: string, passwd = '/etc/passwd'): Account | undefined {
  let text = '';
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

function nologinShell(): string {
  for (const shell of ['/usr/sbin/nologin', '/sbin/nologin', '/bin/false']) {
    try {
      readFileSync(shell, { flag: 'r' }).subarray(0, 0);
      return shell;
    } catch {
      // try the next one
    }
  }
  return '/bin/false';
}

function accountError(text: string): FortressError {
  return new FortressError('ERR_ACCOUNT', text);
}

/** Returns the account, creating it first when missing; `created` says which happened. */
export function ensureAccount(name: string): { account: Account; created: boolean } {
  if (!isValidUserName(name)) throw accountError(`invalid account name: ${name}`);
  const existing = findAccount(name);
  if (existing) return { account: existing, created: false };
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', nologinShell(), name],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, PATH: `/usr/sbin:/sbin:${process.env['PATH'] ?? ''}` },
      },
    );
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw accountError(`unable to create account ${name}: ${stderr || (err as Error).message}`);
  }
  const created = findAccount(name);
  if (!created) throw accountError(`unable to create account ${name}: not in /etc/passwd after useradd`);
  return { account: created, created: true };
}
