// tcpserver [opts] HOST PORT PROGRAM...
import { writeSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_TEMPORARY, fatal, usage, writeStderr } from '@fortress/core/errors';
import { baseEnvironment } from '../connection-env.js';
import { detachStdio } from '../descriptors.js';
import { configureResolver } from '../host-lookup.js';
import type { ConnectionHandler } from '../in-process.js';
import { PausableListener } from '../listener.js';
import { resolveLocalHost, resolvePort } from '../local-names.js';
import { dropPrivileges, resolveId } from '../privileges.js';
import { parseServerOptions, SERVER_USAGE } from '../server-options.js';
import { TcpServer } from '../tcp-server.js';

const PROG = 'tcpserver';

async function loadHandler(module: string): Promise<ConnectionHandler> {
  const url = pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
  const loaded = (await import(url)) as { default?: unknown; handler?: unknown };
  const handler = loaded.handler ?? loaded.default;
  if (typeof handler !== 'function') throw new Error(`${module} exports no handler function`);
  return handler as ConnectionHandler;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const o = parseServerOptions(argv, env);
  if (!o) return usage(PROG, SERVER_USAGE);
  const host = resolveLocalHost(o.host);
  if (host === undefined) return fatal(PROG, `no IP address for ${o.host}`);
  const port = resolvePort(o.port);
  if (port === undefined) return fatal(PROG, `unable to figure out port number for ${o.port}`);
  let uid: number;
  let gid: number;
  try {
    uid = resolveId(o.user, 'user');
    gid = resolveId(o.group, 'group');
  } catch (err) {
    return fatal(PROG, (err as Error).message);
  }

  configureResolver(env);
  process.on('SIGTERM', () => process.exit(0));
  const server = new TcpServer(o, baseEnvironment(env));
  process.on('SIGCHLD', server.reap);
  const listener = new PausableListener(o.backlog, server.onConnection, (err) =>
    server.warn(`unable to accept: ${(err as NodeJS.ErrnoException).code ?? err.message}`),
  );
  let boundPort: number;
  try {
    boundPort = await listener.listen(host, port);
  } catch (err) {
    return fatal(PROG, 'unable to bind', err);
  }
  // Accept nothing until the account is switched and a -m module is loaded: connections wait
  // in the backlog meanwhile.
  listener.pause();
  server.listener = listener;
  // From here failures exit outright: main's return value would wait for a loop that never ends.
  try {
    dropPrivileges(uid, gid);
  } catch (err) {
    process.exit(fatal(PROG, `unable to set ${gid && process.getgid?.() !== gid ? 'gid' : 'uid'}`, err));
  }
  if (o.handlerModule !== undefined) {
    try {
      server.handler = await loadHandler(o.handlerModule);
      // A handler's stray exception must not take every other connection down with it.
      process.on('uncaughtException', (err) => server.warn(`handler failed: ${err.message}`));
    } catch (err) {
      writeStderr(`${PROG}: fatal: unable to load ${o.handlerModule}: ${(err as Error).message}`);
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
  return new Promise<number>(() => {});
}
