// One word (and its details) for a service of the needs/ graph, from the inspection svstat
// --json renders: supervise's state when fortress's supervise says it (`ready`, `waiting`,
// `done`, `failed`...), else the 0.76 view (`up`, `down`), or why it cannot be known.
import { inspectService } from '@fortress/core/service-inspect';
import { type ServiceJson, serviceJson } from '@fortress/svc/status-json';
import { waitingForText } from '../status/format.js';

const { join } = process.getBuiltinModule('node:path');

export interface NodeState {
  /** `ready`, `up`, `waiting`, `down`, `unsupervised`, ... */
  word: string;
  /** `for db, cache (failed)` while waiting; else empty. */
  detail: string;
}

/** STATE's word and detail. */
export function nodeState(json: ServiceJson): NodeState {
  if (json.state !== 'up' && json.state !== 'down') return { word: json.state, detail: '' };
  const word = json.supervision ?? json.state;
  if (word === 'waiting' && json.waitingFor?.length) return { word, detail: `for ${waitingForText(json)}` };
  return { word, detail: '' };
}

/** The state of service NAME of SCANDIR. */
export function readNodeState(scanDir: string, name: string): NodeState {
  const dir = join(scanDir, name);
  return nodeState(serviceJson(dir, inspectService(dir)));
}

/** `waiting for db` / `ready`. */
export function stateText(state: NodeState): string {
  return state.detail === '' ? state.word : `${state.word} ${state.detail}`;
}
