// What the UDP and TCP front ends share: the resolver their questions go to and the question
// numbers of the log (one sequence for both, as in dnscache.c).
import type { ResolverContext } from './resolver/query-state.js';

export interface FrontShared {
  /** Set once privileges are dropped (server.ts attach). */
  ctx: ResolverContext;
  /** The last question number given out. */
  queries: number;
}
