// What each control byte means. 0.76's `u d o p c h a i t k x`, plus `q 1 2 w` of later
// daemontools descendants (runit, encore). Anything else is ignored.
export type ControlAction =
  | { kind: 'up' }
  | { kind: 'down' }
  | { kind: 'once' }
  | { kind: 'pause' }
  | { kind: 'continue' }
  | { kind: 'exit' }
  | { kind: 'signal'; signal: NodeJS.Signals };

const ACTIONS = new Map<number, ControlAction>([
  [0x75, { kind: 'up' }], // u
  [0x64, { kind: 'down' }], // d
  [0x6f, { kind: 'once' }], // o
  [0x70, { kind: 'pause' }], // p
  [0x63, { kind: 'continue' }], // c
  [0x78, { kind: 'exit' }], // x
  [0x68, { kind: 'signal', signal: 'SIGHUP' }], // h
  [0x61, { kind: 'signal', signal: 'SIGALRM' }], // a
  [0x69, { kind: 'signal', signal: 'SIGINT' }], // i
  [0x74, { kind: 'signal', signal: 'SIGTERM' }], // t
  [0x6b, { kind: 'signal', signal: 'SIGKILL' }], // k
  [0x71, { kind: 'signal', signal: 'SIGQUIT' }], // q
  [0x31, { kind: 'signal', signal: 'SIGUSR1' }], // 1
  [0x32, { kind: 'signal', signal: 'SIGUSR2' }], // 2
  [0x77, { kind: 'signal', signal: 'SIGWINCH' }], // w
]);

/** The action for a control byte, or undefined for bytes supervise ignores. */
export function controlAction(byte: number): ControlAction | undefined {
  return ACTIONS.get(byte);
}
