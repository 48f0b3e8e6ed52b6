// A `critical` file in a service directory (or in its log/): when that service fails for good
// (supervise's `failed` state: ./finish exited 125), the container stops, with the service's
// exit code. Without the file a failure is a warning and the rest keeps running. The file is
// looked for at the moment of the failure, so it may be added or removed while init runs.
import type { LastExit } from '@fortress/core/extra-status';
import type { Supervisor, SupervisorState } from '@fortress/supervise/supervisor';

const { existsSync } = process.getBuiltinModule('node:fs');
const { signals } = process.getBuiltinModule('node:os').constants;

export const CRITICAL_FILE = 'critical';
/** When how ./run last ended is unknown (an adopted ./run, or it never started). */
export const UNKNOWN_EXIT = 1;

export interface Failure {
  /** NAME, or NAME/log. */
  label: string;
  /** The service directory has a `critical` file. */
  critical: boolean;
  /** How its last ./run ended, as a shell gives it. */
  code: number;
}

/** Its exit code, or 128 + the signal number, as a shell reports a command's end. */
export function shellExitCode(lastExit: LastExit | null): number {
  if (lastExit === null) return UNKNOWN_EXIT;
  if (lastExit.signal !== null) return 128 + (signals[lastExit.signal as NodeJS.Signals] ?? 0);
  return lastExit.code ?? UNKNOWN_EXIT;
}

/** Calls `onFailed` each time the supervisor enters `failed` (once, not at each status write in it). */
export function watchFailures(supervisor: Supervisor, label: string, onFailed: (failure: Failure) => void): void {
  let previous = '';
  supervisor.on('status', (state: SupervisorState) => {
    const entered = state.supervision === 'failed' && previous !== 'failed';
    previous = state.supervision;
    if (!entered) return;
    const critical = existsSync(`${supervisor.dir}/${CRITICAL_FILE}`);
    onFailed({ label, critical, code: shellExitCode(state.lastExit) });
  });
}
