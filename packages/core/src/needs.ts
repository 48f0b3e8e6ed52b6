// needs/: the services a service waits for (issue 13). SVCDIR/needs/NAME (an empty file, or a
// symlink to ../../NAME) names NAME, a sibling entry of the same scan directory. A need is
// satisfied when NAME is ready (it uses readiness), up (it does not), or done (a oneshot that
// succeeded); a service run by a supervise that writes no status.json (daemontools') counts as
// satisfied while up. supervise reads these to decide when ./run may start; svscan and fortress
// read them to order stops and draw the graph.
import { validServiceName } from './extra-status.js';
import { type DirName, servicePath } from './service-dir.js';
import { inspectService, supervisorRecorded } from './service-inspect.js';

const { readdirSync } = process.getBuiltinModule('node:fs');

/** The directory of a service that lists what it needs. */
export const NEEDS_DIR = 'needs';

export interface NeedsList {
  /** The needed services' names, sorted, each a valid scan directory entry name. */
  names: string[];
  /** Entries that are no service name (hidden, empty, too long): ignored, worth a warning. */
  bad: string[];
  /** Why needs/ could not be read when it exists (names is then empty). */
  error?: Error;
}

/** Reads SERVICEDIR/needs/: no such directory (or a file of that name) means no needs. */
export function readNeeds(serviceDir: DirName): NeedsList {
  let entries: string[];
  try {
    entries = readdirSync(servicePath(serviceDir, NEEDS_DIR) as string, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { names: [], bad: [] };
    return { names: [], bad: [], error: err as Error };
  }
  const names: string[] = [];
  const bad: string[] = [];
  for (const entry of entries) (validServiceName(entry) ? names : bad).push(entry);
  return { names: names.sort(), bad: bad.sort() };
}

/**
 * A needed service, as a dependent sees it: `satisfied` (ready, up without readiness, or done),
 * `failed` (its supervise says it failed permanently), `missing` (no such directory), else
 * `unsatisfied` (down, starting, stopping, waiting itself, not supervised, unreadable).
 */
export type NeedState = 'satisfied' | 'unsatisfied' | 'failed' | 'missing';

/** The directory of the needed service NAME: an entry of SCANDIR (the dependent's scan directory). */
export function neededServiceDir(scanDir: string, name: string): string {
  return `${scanDir}/${name}`;
}

/** Reads the status of the service at NEEDEDDIR (bounded and checked, as svstat reads it). */
export function needState(neededDir: DirName): NeedState {
  const seen = inspectService(neededDir);
  if (seen.error?.step === 'chdir' && (seen.error.code === 'ENOENT' || seen.error.code === 'ENOTDIR')) {
    return 'missing';
  }
  if (seen.state !== 'up' && seen.state !== 'down') return 'unsatisfied';
  const extra = seen.extra;
  if (!extra?.state) {
    // A fortress supervise between its two writes (the 18-byte status new, status.json not yet)
    // looks like daemontools' here: its next event brings the read that counts.
    if (extra === null && supervisorRecorded(neededDir)) return 'unsatisfied';
    // daemontools' supervise, or an older fortress one: up is all that can be known.
    if (seen.pid === 0) return 'unsatisfied';
    return extra?.ready === false ? 'unsatisfied' : 'satisfied';
  }
  switch (extra.state) {
    case 'ready':
    case 'done':
      return 'satisfied';
    case 'up':
      // A oneshot satisfies once done, not while its ./run still runs.
      if (extra.type === 'oneshot') return 'unsatisfied';
      return extra.ready === null || extra.ready === undefined ? 'satisfied' : 'unsatisfied';
    case 'failed':
      return 'failed';
    default:
      return 'unsatisfied';
  }
}

/** True when the service at NEEDEDDIR satisfies a dependent. */
export function needSatisfied(neededDir: DirName): boolean {
  return needState(neededDir) === 'satisfied';
}

export interface NeedsCheck {
  /** The names not satisfied (missing and failed ones included), sorted. */
  waitingFor: string[];
  /** The names whose service failed permanently, sorted. */
  failedNeeds: string[];
  /** The names with no directory in SCANDIR, sorted. */
  missing: string[];
}

/** The state of every need in NAMES, each an entry of SCANDIR. */
export function checkNeeds(names: readonly string[], scanDir: string): NeedsCheck {
  const out: NeedsCheck = { waitingFor: [], failedNeeds: [], missing: [] };
  for (const name of [...names].sort()) {
    const state = needState(neededServiceDir(scanDir, name));
    if (state === 'satisfied') continue;
    out.waitingFor.push(name);
    if (state === 'failed') out.failedNeeds.push(name);
    if (state === 'missing') out.missing.push(name);
  }
  return out;
}
