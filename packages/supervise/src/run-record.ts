// supervise/run.id: who the current ./run is, so that a supervise started after a crash of the
// previous one can tell whether that ./run still lives, without any help from ./run itself.
// One line, `PID START BOOT`: the pid, its start time in clock ticks since boot (from
// /proc/PID/stat: a reused pid has another one) and the kernel's boot id (ticks start again at
// each boot). Only supervise writes it (supervise/ is 0700, the file 0600), and ./run inherits
// no descriptor of it or of any other file under supervise/: a service can neither forge nor
// withdraw the record, it can only really exit.
import { type ProcessIdentity, processState } from './proc-info.js';

const { readFileSync, readSync, writeSync } = process.getBuiltinModule('node:fs');

export const RUN_RECORD_FILE = 'run.id';
/** Fixed length, so an overwrite in place (one pwrite, no rename) never leaves a longer tail. */
const RECORD_BYTES = 80;

let bootId: string | undefined;

function currentBootId(): string {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
    } catch {
      bootId = '-';
    }
  }
  return bootId;
}

/** The identity of our own child `pid` now (it cannot be reused before we reap it). */
export function identityOf(pid: number): ProcessIdentity {
  return { pid, start: processState(pid)?.start ?? '' };
}

/** Records `run` in place; pid 0 records that nothing runs. Failures are reported, not thrown. */
export function writeRunRecord(fd: number, run: ProcessIdentity | undefined, warn: (err: unknown) => void): void {
  const line = run ? `${run.pid} ${run.start} ${currentBootId()}` : '0 - -';
  try {
    writeSync(fd, `${line.padEnd(RECORD_BYTES - 1)}\n`, 0, 'latin1');
  } catch (err) {
    warn(err);
  }
}

/**
 * The ./run an earlier supervise recorded, if it is still alive: same pid, same start time,
 * same boot, and still the leader of its own session (as every ./run is from its spawn on: a
 * session leader cannot leave its session or group).
 */
export function recordedRunAlive(fd: number): ProcessIdentity | undefined {
  const buf = Buffer.alloc(RECORD_BYTES);
  let n: number;
  try {
    n = readSync(fd, buf, 0, RECORD_BYTES, 0);
  } catch {
    return undefined;
  }
  const [pidText, start, boot] = buf.toString('latin1', 0, n).trim().split(/ +/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || start === undefined || boot !== currentBootId()) return undefined;
  return stillRunning({ pid, start }) ? { pid, start } : undefined;
}

/** True while `run` is the same live process, leading its own session. */
export function stillRunning(run: ProcessIdentity): boolean {
  const now = processState(run.pid);
  return now !== undefined && now.start === run.start && now.sid === run.pid && now.pgid === run.pid;
}
