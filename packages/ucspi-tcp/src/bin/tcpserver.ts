// tcpserver [opts] HOST PORT PROGRAM...
import { fatalError, program, usageError } from '@fortress/core/program';
import { baseEnvironment } from '../connection-env.js';
import { configureResolver } from '../host-lookup.js';
import { resolveLocalHost, resolvePort } from '../local-names.js';
import { resolveId } from '../privileges.js';
import { serve } from '../serve.js';
import { parseServerOptions, SERVER_USAGE } from '../server-options.js';

export const main = program('tcpserver', SERVER_USAGE, (argv, env) => {
  const o = parseServerOptions(argv, env);
  if (!o) throw usageError();
  const host = resolveLocalHost(o.host);
  if (host === undefined) throw fatalError(`no IP address for ${o.host}`);
  const port = resolvePort(o.port);
  if (port === undefined) throw fatalError(`unable to figure out port number for ${o.port}`);
  const uid = resolveId(o.user, 'user');
  const gid = resolveId(o.group, 'group');
  configureResolver(env);
  return serve(o, { host, port, uid, gid }, baseEnvironment(env));
});
