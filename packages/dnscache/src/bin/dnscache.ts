// dnscache: a caching, iterative DNS resolver for the clients listed in $ROOT/ip/.
import { program } from '@fortress/core/program';
import { startDnscache } from '../start.js';

export const main = program(
  'dnscache',
  '< seed (IP, IPSEND, ROOT, CACHESIZE, FORWARDONLY, HIDETTL in the environment)',
  (_argv, env) => startDnscache(env),
);
