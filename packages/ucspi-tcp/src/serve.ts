// tcpserver after its command line: bind, give up root, load a -m module, then accept until
// SIGTERM. Failures after binding exit outright: the returned promise never settles.
import { writeSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_TEMPORARY, fatal, writeStderr } from '@fortress/core/errors';
import { fatalError } from '@fortress/core/program';
import { detachStdio } from './descriptors.js';
import type { ConnectionHandler } from './in-process.js';
import { PausableListener } from './listener.js';
import { dropPrivileges } from './privileges.js';
import type { ServerOptions } from './server-options.js';
import { TcpServer } from './tcp-server.js';

async function loadHandler(module: string): Promise<ConnectionHandler> {
  const url = pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
  const loaded = (await import(url)) as { default?: unknown; handler?: unknown };
  const handler = loaded.handler ?? loaded.default;
  if (typeof handler !== 'function') throw new Error(`${module} exports no handler function`);
  return handler as ConnectionHandler;
}

export interface Listen {
  host: string;
  port: number;
  uid: number;
  gid: number;
}

export async function serve(o: ServerOptions, at: Listen, baseEnv: string[]): Promise<never> {
  process.on('SIGTERM', () => process.exit(0));
  const server = new TcpServer(o, baseEnv);
  process.on('SIGCHLD', server.reap);
  const listener = new PausableListener(o.backlog, server.onConnection, (err) =>
    server.warn(`unable to accept: ${(err as NodeJS.ErrnoException).code ?? err.message}`),
  );
  let boundPort: number;
  try {
    boundPort = await listener.listen(at.host, at.port);
  } catch (err) {
    throw fatalError('unable to bind', err);
  }
  // Accept nothing until the account is switched and a -m module is loaded: connections wait
  // in the backlog meanwhile.
  listener.pause();
  server.listener = listener;
  try {
    dropPrivileges(at.uid, at.gid);
  } catch (err) {
    process.exit(fatal('tcpserver', `unable to set ${at.gid && process.getgid?.() !== at.gid ? 'gid' : 'uid'}`, err));
  }
  if (o.handlerModule !== undefined) {
    try {
      server.handler = await loadHandler(o.handlerModule);
      // A handler's stray exception must not take every other connection down with it.
      process.on('uncaughtException', (err) => server.warn(`handler failed: ${err.message}`));
    } catch (err) {
      writeStderr(`tcpserver: fatal: unable to load ${o.handlerModule}: ${(err as Error).message}`);
      process.exit(EXIT_TEMPORARY);
    }
  }
  if (o.printPort) writeSync(1, `${boundPort}\n`);
  detachStdio();
  server.status();
  listener.resume();
  // Serve until SIGTERM. While paused at the limit no handle is open (children are not libuv's),
  // so a timer keeps the event loop alive.
  setInterval(() => {}, 2 ** 30);
  return new Promise<never>(() => {});
}
