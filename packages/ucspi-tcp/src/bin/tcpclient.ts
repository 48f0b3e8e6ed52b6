// tcpclient [opts] HOST PORT PROGRAM... — connects, then runs PROGRAM with the connection
// on fd 6 (read) and fd 7 (write) and the TCP* variables set.
import type { Socket } from 'node:net';
import { EXIT_TEMPORARY, errorText, writeStderr } from '@fortress/core/errors';
import { fatalError, program } from '@fortress/core/program';
import { clientEnvironment, connectTo, handOver } from '../client-connection.js';
import { CLIENT_USAGE, parseClientOptions } from '../client-options.js';
import { execProgram, findProgram } from '../exec-program.js';
import { configureResolver } from '../host-lookup.js';
import { resolveLocalHost, resolvePort } from '../local-names.js';

export const main = program('tcpclient', CLIENT_USAGE, async (argv, env) => {
  const [o, [hostArg, portArg, ...args]] = parseClientOptions(argv);
  const host = resolveLocalHost(hostArg);
  if (host === undefined) throw fatalError(`no IP address for ${hostArg}`);
  const port = resolvePort(portArg);
  if (port === undefined) throw fatalError(`unable to figure out port number for ${portArg}`);
  configureResolver(env);
  let socket: Socket;
  try {
    socket = await connectTo(host, port, o);
  } catch (err) {
    if (o.verbosity >= 1) writeStderr(`tcpclient: unable to connect to ${host} port ${port}: ${errorText(err)}`);
    return EXIT_TEMPORARY;
  }
  let file: string;
  try {
    file = findProgram(args[0] as string, env.PATH);
  } catch (err) {
    throw fatalError(`unable to run ${args[0]}`, err);
  }
  if (o.noDelay) socket.setNoDelay(true);
  const child = await clientEnvironment(socket, host, port, o, env);
  if (o.verbosity >= 2) writeStderr(`tcpclient: connected to ${child.TCPREMOTEIP} port ${child.TCPREMOTEPORT}`);
  handOver(socket);
  return execProgram(file, args, child);
});
