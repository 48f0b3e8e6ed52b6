// tcpserver -m: a connection served by a JavaScript handler in the server process, after the
// same limits and rules as PROGRAM. The handler gets the socket and the TCP* and rule
// variables; the connection counts until the socket closes.
import type { Socket } from 'node:net';
import { buildEnvironment } from './connection-env.js';

/** An in-process handler: gets the connection and the variables PROGRAM would get. */
export type ConnectionHandler = (socket: Socket, env: Record<string, string>) => unknown;

/** The connection and rule variables as an object (rule variables win). */
export function handlerEnvironment(
  vars: Array<[string, string | undefined]>,
  ruleVars: Array<[string, string]>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of buildEnvironment([], vars, ruleVars)) {
    const eq = entry.indexOf('=');
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/**
 * Calls handler; a throw or a rejected promise destroys the socket and is reported through
 * failed. ended gets a wait-status-like value once the socket has closed: 0, or 256 after a failure.
 */
export function serveInProcess(
  socket: Socket,
  handler: ConnectionHandler,
  env: Record<string, string>,
  failed: (err: unknown) => void,
  ended: (status: number) => void,
): void {
  let status = 0;
  const fail = (err: unknown) => {
    status = 256;
    failed(err);
    socket.destroy();
  };
  socket.once('close', () => ended(status));
  try {
    const result = handler(socket, env);
    if (result instanceof Promise) result.catch(fail);
    socket.resume();
  } catch (err) {
    fail(err);
  }
}
