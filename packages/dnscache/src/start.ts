// dnscache's start, in dnscache.c's order: bind, give up root, read the seed, the settings and
// servers/, then serve. Fatal errors come back as exit codes, printed in djb's shape.
import { readSync } from 'node:fs';
import { FortressError, fatal } from '@fortress/core/errors';
import { Acl } from './acl.js';
import { Cache } from './cache.js';
import { cacheSize, listenAddress, listenPort, sendAddress } from './config.js';
import { dropRoot, setupError } from './droproot.js';
import { logLine } from './log.js';
import { randomSeed } from './random.js';
import { responseHideTtl } from './response.js';
import { Roots, readRoots } from './roots.js';
import { DnsServer } from './server.js';

const PROG = 'dnscache';

/** Reads up to 128 bytes of seed from stdin. */
function readSeed(): Buffer {
  const seed = Buffer.alloc(128);
  let n = 0;
  try {
    while (n < 128) {
      const r = readSync(0, seed, n, 128 - n, null);
      if (r <= 0) break;
      n += r;
    }
  } catch {}
  // The original closes stdin here; libuv must never see a socket on fd 0..2, so it stays open.
  return seed.subarray(0, n);
}

/** Everything after binding: privileges, seed, settings, servers/ (dnscache.c's order). */
function setUp(env: NodeJS.ProcessEnv): { cache: Cache; roots: Roots; forwardOnly: boolean; localIp: string } {
  dropRoot(env);
  const seed = readSeed();
  const localIp = sendAddress(env);
  const size = cacheSize(env);
  let cache: Cache;
  try {
    cache = new Cache(size, randomSeed(seed));
  } catch {
    throw setupError(`not enough memory for cache of size ${size}`);
  }
  responseHideTtl(env['HIDETTL'] !== undefined);
  let roots: Roots;
  try {
    roots = new Roots(readRoots('servers'));
  } catch (err) {
    throw setupError('unable to read servers', (err as { cause?: unknown }).cause);
  }
  return { cache, roots, forwardOnly: env['FORWARDONLY'] !== undefined, localIp };
}

/** Starts serving; returns 0 once serving (the sockets keep the process alive), or the fatal exit code. */
export async function startDnscache(env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const ip = listenAddress(env);
    const port = listenPort(env);
    const server = new DnsServer({ ip, port, acl: new Acl('ip') });
    // Bind first (root is needed for port 53), then give up root, then read the rest.
    try {
      await server.bind();
    } catch (err) {
      const which = (err as { socket?: string }).socket ?? 'UDP';
      return fatal(PROG, `unable to bind ${which} socket`, err);
    }
    try {
      const resolver = setUp(env);
      server.attach(resolver);
    } catch (err) {
      server.close();
      if (err instanceof FortressError) return fatal(PROG, err.text, err.cause);
      throw err;
    }
    server.serve();
    logLine('starting');
    return 0;
  } catch (err) {
    if (err instanceof FortressError) return fatal(PROG, err.text, err.cause);
    throw err;
  }
}
