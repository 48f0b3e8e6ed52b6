// Per-service settings read from files of the service directory at the moment they matter:
// `down-signal` (s6's: the signal `svc -d` sends instead of SIGTERM, e.g. QUIT for nginx) and
// `max-death-tally` (how many deaths supervise/death_tally keeps), `type` (oneshot) and
// `needs-bound`.
import { parseMaxDeathTally, signalNumber } from '@fortress/core/death-tally';

const { readFileSync } = process.getBuiltinModule('node:fs');
const { signals } = process.getBuiltinModule('node:os').constants;

function readSetting(dir: string, name: string): string | undefined {
  try {
    return readFileSync(`${dir}/${name}`, 'latin1');
  } catch {
    return undefined;
  }
}

/** The signal `d` sends: DIR/down-signal (a name, with or without SIG, or a number), else SIGTERM. */
export function readDownSignal(dir: string): NodeJS.Signals {
  const text = readSetting(dir, 'down-signal')?.trim();
  if (!text) return 'SIGTERM';
  const number = /^\d+$/.test(text) ? Number(text) : signalNumber(text);
  const name = Object.entries(signals).find(([, n]) => n === number)?.[0];
  return (name as NodeJS.Signals | undefined) ?? 'SIGTERM';
}

/** How many deaths to keep: DIR/max-death-tally, else 100. */
export function readMaxDeathTally(dir: string): number {
  return parseMaxDeathTally(readSetting(dir, 'max-death-tally'));
}

/** What a `type` file may say: `oneshot`, or `longrun` (the default, as no file). */
export type ServiceTypeSetting = 'oneshot' | 'longrun';

/** DIR/type: `oneshot` or `longrun` (no file: longrun); anything else is an Error (bad format). */
export function readServiceType(dir: string): ServiceTypeSetting | Error {
  const text = readSetting(dir, 'type');
  if (text === undefined) return 'longrun';
  const value = text.trim();
  if (value === 'oneshot' || value === 'longrun') return value;
  return Object.assign(new Error('bad format'), { code: 'BADFORMAT' });
}

/** DIR/needs-bound exists: a need lost while ./run runs stops it (systemd's BindsTo). */
export function readNeedsBound(dir: string): boolean {
  return readSetting(dir, 'needs-bound') !== undefined;
}
