// The dashboard's guards: the control token file (the operator's own, 0600), the token compared
// in constant time, the Host header (DNS rebinding) and the origin of state-changing requests.
import type { IncomingMessage } from 'node:http';
import { EXIT_PERMANENT, FortressError } from '@fortress/core/errors';
import { classifyAddress } from '../address.js';

const { closeSync, constants, fstatSync, openSync, readFileSync } = process.getBuiltinModule('node:fs');
const { createHash, timingSafeEqual } = process.getBuiltinModule('node:crypto');

/** The code of a token file the dashboard refuses (exit 100: the operator must fix it). */
export const ERR_TOKEN_FILE = 'ERR_TOKEN_FILE';

function tokenFileError(text: string): FortressError {
  return new FortressError(ERR_TOKEN_FILE, text, undefined, EXIT_PERMANENT);
}

/** Reads the token: a regular file of the caller's, readable by nobody else; the first line. */
export function loadToken(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw tokenFileError(`unable to open token file ${path}: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw tokenFileError(`token file ${path} is not a regular file`);
    const uid = process.getuid?.() ?? -1;
    if (st.uid !== uid) throw tokenFileError(`token file ${path} belongs to uid ${st.uid}, not to uid ${uid}`);
    const mode = st.mode & 0o777;
    if (mode & 0o077)
      throw tokenFileError(
        `token file ${path} has mode ${mode.toString(8).padStart(4, '0')}: others may read it (chmod 600)`,
      );
    const token = (readFileSync(fd, 'utf8').split('\n')[0] ?? '').trim();
    if (token.length < 16) throw tokenFileError(`token file ${path} holds no token of 16 characters or more`);
    return token;
  } finally {
    closeSync(fd);
  }
}

/** Compares in constant time (digests first, so the lengths tell nothing either). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

export type Binding = { kind: 'tcp'; ip: string; port: number } | { kind: 'socket'; path: string };

/** The Host values that name this dashboard: ADDR:PORT, and localhost:PORT on loopback. */
export function allowedHosts(binding: Binding): Set<string> | undefined {
  if (binding.kind === 'socket') return undefined; // no address to rebind: a local proxy names it
  const ip = binding.ip.includes(':') ? `[${binding.ip.toLowerCase()}]` : binding.ip;
  const hosts = new Set([`${ip}:${binding.port}`]);
  if (binding.port === 80) hosts.add(ip);
  if (classifyAddress(binding.ip) === 'loopback') {
    hosts.add(`localhost:${binding.port}`);
    if (binding.port === 80) hosts.add('localhost');
  }
  return hosts;
}

export function hostAllowed(request: IncomingMessage, hosts: Set<string> | undefined): boolean {
  if (hosts === undefined) return true;
  const host = request.headers.host;
  return host !== undefined && hosts.has(host.toLowerCase());
}

/**
 * A state-changing request must come from the page itself or from a non-browser client: a
 * Sec-Fetch-Site other than same-origin (or none, typed by the user), or an Origin other than
 * this dashboard's, is refused.
 */
export function sameOrigin(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return request.headers.host !== undefined && origin.toLowerCase() === `http://${request.headers.host.toLowerCase()}`;
}
