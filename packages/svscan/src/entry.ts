// One service known to the scanner: its directory (held open, so it can still be reached and
// told to stop once its name is gone), its log FIFO, and its two supervisors.
import { constants, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '@fortress/core/errors';
import { readStatusRecord } from '@fortress/core/status-record';
import { closeQuietly, openLogFifo } from './log-fifo.js';
import type { Supervision, Which } from './supervision.js';

export interface Slot {
  supervision: Supervision | undefined;
  /** When the last supervisor for this slot was started (ms), for the 1 s restart throttle. */
  startedAt: number;
  /** Pending restart (throttled). */
  timer: NodeJS.Timeout | undefined;
  /** After a 111 exit nobody explains: wait for the next scan instead of spinning. */
  waitForScan: boolean;
  /** A stop (or the logger's `x`) has been accepted by this slot's supervisor. */
  stopSent: boolean;
  stopSentAt: number;
  /** The stop went through the FIFO (`dx`): svscan enforces its deadline. */
  stopByFifo: boolean;
  /** The logger's time to drain its pipe is over: it is being stopped. */
  drainEnded: boolean;
}

function emptySlot(): Slot {
  const slot = { supervision: undefined, startedAt: 0, timer: undefined, waitForScan: false } as Slot;
  resetStop(slot);
  return slot;
}

/** Forgets a stop under way (a removed service that came back). */
export function resetStop(slot: Slot): void {
  slot.stopSent = false;
  slot.stopSentAt = 0;
  slot.stopByFifo = false;
  slot.drainEnded = false;
}

export class Entry {
  readonly key: string;
  name: string;
  readonly dirFd: number;
  /** Reaches the directory through our descriptor: valid after a rename or removal. */
  readonly dir: string;
  fifoFd: number | undefined;
  hasLog = false;
  active = true;
  stopping = false;
  readonly service: Slot = emptySlot();
  readonly log: Slot = emptySlot();

  constructor(scanDir: string, name: string, key: string) {
    this.key = key;
    this.name = name;
    this.dirFd = openSync(join(scanDir, name), constants.O_RDONLY | constants.O_DIRECTORY);
    this.dir = `/proc/self/fd/${this.dirFd}`;
  }

  slot(which: Which): Slot {
    return which === 'service' ? this.service : this.log;
  }

  alive(which: Which): boolean {
    return this.slot(which).supervision?.alive() ?? false;
  }

  /** True when NAME/log exists (any type, as 0.76 checks), false when it does not; throws other stat errors. */
  logExists(): boolean {
    try {
      statSync(join(this.dir, 'log'));
      return true;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /** Opens the log FIFO if not held; throws what mkfifo/open threw. */
  holdFifo(): void {
    if (this.fifoFd === undefined) this.fifoFd = openLogFifo(this.dir);
  }

  releaseFifo(): void {
    closeQuietly(this.fifoFd);
    this.fifoFd = undefined;
  }

  /** Pid of ./run from supervise/status (0 when down or unknown). */
  runPid(): number {
    return readStatusRecord(this.dir)?.pid ?? 0;
  }

  close(): void {
    for (const slot of [this.service, this.log]) clearTimeout(slot.timer);
    this.releaseFifo();
    closeQuietly(this.dirFd);
  }
}
