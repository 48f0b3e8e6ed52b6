// What the UDP and TCP front ends share: the resolver their questions go to, the question
// numbers of the log (one sequence for both, as in dnscache.c), the clients allowed, and the
// clients in flight, oldest first.
import type { Acl } from './acl.js';
import type { ResolverContext } from './resolver/query-state.js';

export interface FrontShared {
  /** Set once privileges are dropped (server.ts attach). */
  ctx: ResolverContext;
  /** The last question number given out. */
  queries: number;
}

/** A source port the original refuses: below 1024, except 53 (another server asking). */
export function refusedSourcePort(port: number): boolean {
  return port < 1024 && port !== 53;
}

export abstract class Front<Client> {
  /** In arrival order: the first is the oldest, which a full front end gives up first. */
  protected readonly clients = new Set<Client>();
  protected readonly shared: FrontShared;
  protected readonly acl: Acl;

  constructor(shared: FrontShared, acl: Acl) {
    this.shared = shared;
    this.acl = acl;
  }

  /** Clients in flight (the stats line). */
  get active(): number {
    return this.clients.size;
  }

  protected oldest(): Client | undefined {
    return this.clients.values().next().value;
  }

  /** The next question number of the log. */
  protected nextQuestion(): number {
    return ++this.shared.queries;
  }
}
