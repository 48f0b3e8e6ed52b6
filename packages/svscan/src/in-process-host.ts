// Placeholder until supervise's class lands.
import type { Events } from './events.js';
import type { SupervisorHost } from './supervision.js';

export function inProcessHost(_events: Events): SupervisorHost {
  throw new Error('one-process mode is not available yet');
}
