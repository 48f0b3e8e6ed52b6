// fortress conf: validate the request, create the accounts, lay out the service directory.
import { existsSync, lstatSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { FortressError } from '@fortress/core/errors';
import { classifyAddress, isLocalAddress, isWildcard } from '../address.js';
import { type Account, ensureAccount, findAccount, isValidUserName } from './accounts.js';
import { layOut } from './layout.js';
import { loadManifest, templatesDir } from './manifest.js';

export interface ConfRequest {
  template: string;
  dir: string;
  /** Values given on the command line (IP, PORT, USER, LOGUSER, COMMAND, ...). */
  values: Record<string, string>;
  allowWildcard: boolean;
  /** Create missing accounts (true) or require them to exist. */
  createAccounts: boolean;
}

export interface ConfResult {
  dir: string;
  values: Record<string, string>;
  createdAccounts: string[];
}

/** A refusal (a FortressError, ERR_CONF): exit 100 for bad input, 111 for a temporary failure. */
export function confError(message: string, exitCode = 100): FortressError {
  return new FortressError('ERR_CONF', message, undefined, exitCode);
}

const ACCOUNT_VARIABLES = ['USER', 'LOGUSER'];

// Every template switches accounts (envuidgid, setuidgid) and binds as root before dropping to its
// own: laid out by another user, the service would loop on `unable to setgid`.
export const NEEDS_ROOT =
  'conf needs root: the services it lays out switch to their own accounts, which only root can do ' +
  '(for services running as yourself, copy examples/ as the quick start does)';

/** The tcprules text for a listener: the clients allowed, everyone else denied. */
export function defaultRules(ip: string, allowFrom: string | undefined): string {
  const prefixes = allowFrom
    ? allowFrom.split(',').filter(Boolean)
    : classifyAddress(ip) === 'loopback' || isIP(ip) !== 4
      ? ['127.']
      : [`${ip.split('.').slice(0, 3).join('.')}.`, '127.'];
  return `${prefixes.map((p) => `${p}:allow`).join('\n')}\n:deny`;
}

function validate(values: Record<string, string>, allowWildcard: boolean): void {
  const ip = values['IP'];
  if (ip !== undefined && ip !== '') {
    if (isWildcard(ip)) {
      if (!allowWildcard)
        throw confError(`refusing wildcard address ${ip}: it listens on every network (--allow-wildcard to insist)`);
    } else if (isIP(ip) === 0) {
      throw confError(`not an IP address: ${ip}`);
    } else if (!isLocalAddress(ip)) {
      throw confError(`address ${ip} is not an address of this machine`);
    }
  }
  const port = values['PORT'];
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw confError(`bad port: ${port} (expected 1 to 65535)`);
  }
  for (const name of ACCOUNT_VARIABLES) {
    const value = values[name];
    if (value !== undefined && value !== '' && !isValidUserName(value)) throw confError(`invalid user name: ${value}`);
  }
  if (values['USER'] !== undefined && values['USER'] === values['LOGUSER']) {
    throw confError(`the service and its log need different accounts (both ${values['USER']})`);
  }
  checkList(
    values['CLIENTS'],
    'client prefix',
    (item) => /^[0-9]{1,3}(\.[0-9]{1,3}){0,3}$/.test(item) || isIP(item) === 6,
    'dotted prefixes such as 127 or 10.0.0 or 192.168.1.7, one file each in root/ip/ as dnscache reads them; no /LENGTH',
  );
  checkList(values['ALLOW_FROM'], 'rules address', (item) => /^[^\s:#]*$/.test(item));
  checkList(values['UPSTREAM']?.split('\n').join(','), 'upstream server', (item) => isIP(item) !== 0);
  for (const name of ['CACHESIZE', 'DATALIMIT', 'CONCURRENCY', 'TIMEOUT_KILL']) {
    const value = values[name];
    if (value !== undefined && !/^[1-9][0-9]{0,11}$/.test(value))
      throw confError(`bad ${name.toLowerCase()}: ${value}`);
  }
  for (const [name, value] of Object.entries(values)) {
    if (name !== 'UPSTREAM' && name !== 'RULES' && value.includes('\n')) throw confError(`newline in ${name}`);
  }
}

/** Every comma-separated item must pass: they become file names (root/ip/) or rules lines. */
function checkList(value: string | undefined, what: string, valid: (item: string) => boolean, expected?: string): void {
  if (value === undefined) return;
  for (const item of value.split(',')) {
    if (item === '' || !valid(item))
      throw confError(`bad ${what}: ${JSON.stringify(item)}${expected ? ` (expected ${expected})` : ''}`);
  }
}

export function conf(request: ConfRequest, env: NodeJS.ProcessEnv = process.env): ConfResult {
  const manifest = loadManifest(request.template, env);
  if (!manifest) throw confError(`unknown template: ${request.template}`);
  if (process.getuid?.() !== 0) throw confError(NEEDS_ROOT);
  const dir = resolve(request.dir);
  if (existsSync(dir) || isDanglingLink(dir)) throw confError(`${dir} already exists: refusing to overwrite it`);
  const values: Record<string, string> = { ...manifest.variables, ...request.values, DIR: dir };
  const missing = manifest.required.filter((name) => !values[name]);
  if (missing.length > 0) {
    const options = missing.map((name) => `--${name.toLowerCase().replaceAll('_', '-')}`);
    throw confError(`template ${request.template} needs ${options.join(', ')}`);
  }
  validate(values, request.allowWildcard);
  if ('RULES' in manifest.variables && !request.values['RULES']) {
    values['RULES'] = defaultRules(values['IP'] ?? '127.0.0.1', request.values['ALLOW_FROM']);
  }
  const accounts = new Map<string, Account>();
  const createdAccounts: string[] = [];
  for (const variable of manifest.accounts) {
    const name = values[variable] ?? '';
    if (request.createAccounts) {
      try {
        const { account, created } = ensureAccount(name);
        accounts.set(variable, account);
        if (created) createdAccounts.push(name);
      } catch (err) {
        throw confError((err as Error).message, 111);
      }
    } else {
      const account = findAccount(name);
      if (!account) throw confError(`no such account: ${name}`);
      accounts.set(variable, account);
    }
  }
  layOut({ manifest, templateDir: join(templatesDir(env), request.template), target: dir, values, accounts });
  return { dir, values, createdAccounts };
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
