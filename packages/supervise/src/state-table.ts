// supervise's state machine as one table, as s6-supervise keeps it: for each state, what each
// input does. The Supervisor (supervisor.ts) holds one state value and runs, for every input,
// the action this table names; nothing else decides. Actions may look at the service's wishes
// (want up/down/once, exit asked: s6's flagwantup and flagexit) to choose where to go next.
// README.md, "States", prints this table.
import type { SupervisorStateName } from '@fortress/core/extra-status';

/** What the Supervisor reacts to. */
export const INPUTS = [
  // control bytes (svc): u, o, d, x, p, c, and the signal letters h a i t k q 1 2 w
  'u',
  'o',
  'd',
  'x',
  'p',
  'c',
  'signal',
  /** ./run exited (or an adopted ./run is gone). */
  'run-exit',
  /** ./finish exited. */
  'finish-exit',
  /** The pacing or backoff pause before the next start is over. */
  'timer',
  /** A readiness source says ./run is ready (notification-fd newline, check exit 0, READY=1). */
  'ready',
  /** Every readiness source of this ./run says it will never be ready. */
  'never',
  /** ./run says it is reloading (RELOADING=1): not ready until it says ready again. */
  'reloading',
  /** A status text or STOPPING=1 from ./run: recorded, nothing else. */
  'notice',
  /** Every needed service (needs/) is satisfied. */
  'needs-met',
  /** Some needed service is not (any more). */
  'needs-lost',
  /** ./run must be stopped and started again (a missed watchdog). */
  'kick',
  /** The last stop escalation ended (a pending `x` may now be obeyed). */
  'drained',
] as const;
export type Input = (typeof INPUTS)[number];

/** What the Supervisor does; each is one private method there (Supervisor #act). */
export type Action =
  /** Nothing at all. */
  | 'ignore'
  /** Write the status again (a flag changed, nothing else). */
  | 'note'
  /** Want up (a failure or a down forgotten, with its backoff pause), then try to start. */
  | 'want-up'
  /** Want once, then try to start. */
  | 'want-once'
  /** Want down; a paced start or a wait for needs is cancelled: `down`. */
  | 'rest'
  /** Want down, stay `failed`. */
  | 'want-down-failed'
  /** Want up / once / down, obeyed when what runs now ends. */
  | 'want-up-later'
  | 'want-once-later'
  | 'want-down-later'
  /** Want down: send down-signal and CONT to ./run: `stopping`. */
  | 'stop'
  /** Send down-signal and CONT to ./run, want unchanged (it is started again): `stopping`. */
  | 'kick'
  /** `x` with nothing running: close everything (once stop escalations are over): `exited`. */
  | 'exit-now'
  /** `x` while something runs: exit once it has ended. */
  | 'exit-later'
  /** A stop escalation ended: obey a pending `x`. */
  | 'exit-if-asked'
  | 'pause'
  | 'continue'
  | 'signal'
  /** Start ./run if needs and pacing allow: `starting`/`up`, else `waiting` or `backoff`. */
  | 'start'
  /** ./run ended: `finishing` if there is a ./finish, else the next step (restart, down, done...). */
  | 'run-ended'
  /** ./finish ended: `failed` on 125, else the next step. */
  | 'finish-ended'
  /** `ready` (event U). */
  | 'become-ready'
  /** Record the time it said ready, state unchanged (it is being stopped). */
  | 'note-ready'
  /** Never ready: `up`. */
  | 'become-up'
  /** Ready no more until it says so again: `starting`. */
  | 'reload'
  /** A need lost while ./run runs: with needs-bound, as `kick`; else nothing. */
  | 'needs-lost'
  /** Waiting: the names waited for changed. */
  | 'note-needs';

type Row = Record<Input, Action>;

/** States where nothing of the service runs. */
const RESTING: Row = {
  u: 'want-up',
  o: 'want-once',
  d: 'rest',
  x: 'exit-now',
  p: 'note',
  c: 'note',
  signal: 'ignore',
  'run-exit': 'ignore',
  'finish-exit': 'ignore',
  timer: 'ignore',
  ready: 'ignore',
  never: 'ignore',
  reloading: 'ignore',
  notice: 'ignore',
  'needs-met': 'ignore',
  'needs-lost': 'ignore',
  kick: 'ignore',
  drained: 'exit-if-asked',
};

/** States where ./run runs. */
const RUNNING: Row = {
  u: 'want-up-later',
  o: 'want-once-later',
  d: 'stop',
  x: 'exit-later',
  p: 'pause',
  c: 'continue',
  signal: 'signal',
  'run-exit': 'run-ended',
  'finish-exit': 'ignore',
  timer: 'ignore',
  ready: 'become-ready',
  never: 'note',
  reloading: 'ignore',
  notice: 'note',
  'needs-met': 'ignore',
  'needs-lost': 'needs-lost',
  kick: 'kick',
  drained: 'ignore',
};

const IGNORED = Object.fromEntries(INPUTS.map((input) => [input, 'ignore'])) as Row;

export const STATE_TABLE: Readonly<Record<SupervisorStateName, Readonly<Row>>> = {
  down: RESTING,
  waiting: { ...RESTING, 'needs-met': 'start', 'needs-lost': 'note-needs' },
  backoff: { ...RESTING, timer: 'start' },
  failed: { ...RESTING, d: 'want-down-failed' },
  // A oneshot that succeeded: `u` and `o` have nothing left to do (`d` then `u` runs it again).
  done: { ...RESTING, u: 'ignore', o: 'ignore' },
  starting: { ...RUNNING, never: 'become-up' },
  up: RUNNING,
  ready: { ...RUNNING, ready: 'ignore', reloading: 'reload' },
  stopping: { ...RUNNING, ready: 'note-ready', 'needs-lost': 'ignore', kick: 'ignore' },
  finishing: {
    ...IGNORED,
    u: 'want-up-later',
    o: 'want-once-later',
    d: 'want-down-later',
    x: 'exit-later',
    p: 'note',
    c: 'note',
    'finish-exit': 'finish-ended',
  },
  exited: IGNORED,
};

/** The action for INPUT in STATE. */
export function transition(state: SupervisorStateName, input: Input): Action {
  return STATE_TABLE[state][input];
}
