// The environment dnscache runs from (its service's env/ directory).
import { isIPv4, isIPv6 } from 'node:net';
import { scanUlong, setupError } from './droproot.js';

/** $IP: dotted IPv4 as the original, or IPv6 (an addition). */
export function listenAddress(env: NodeJS.ProcessEnv): string {
  const ip = env['IP'];
  if (ip === undefined) throw setupError('$IP not set');
  if (!isIPv4(ip) && !isIPv6(ip)) throw setupError(`unable to parse IP address ${ip}`);
  return ip;
}

/** $PORT (an addition for tests and unprivileged use); 53 when unset. */
export function listenPort(env: NodeJS.ProcessEnv): number {
  const port = env['PORT'];
  if (port === undefined || port === '') return 53;
  const n = Number(port);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw setupError(`unable to parse port ${port}`);
  return n;
}

export function sendAddress(env: NodeJS.ProcessEnv): string {
  const ip = env['IPSEND'];
  if (ip === undefined) throw setupError('$IPSEND not set');
  if (!isIPv4(ip)) throw setupError(`unable to parse IP address ${ip}`);
  return ip;
}

/** $CACHESIZE in bytes, clamped to [100, 1000000000] as cache_init does. */
export function cacheSize(env: NodeJS.ProcessEnv): number {
  const size = env['CACHESIZE'];
  if (size === undefined) throw setupError('$CACHESIZE not set');
  return Math.min(Math.max(scanUlong(size), 100), 1000000000);
}
