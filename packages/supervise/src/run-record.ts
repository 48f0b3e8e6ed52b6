// supervise/run.id: who the current ./run is, so that a supervise started after a crash of the
// previous one can tell whether that ./run still lives, without any help from ./run itself.
// One line, `PID START BOOT`: the pid, its start time in clock ticks since boot (from
// /proc/PID/stat: a reused pid has another one) and the kernel's boot id (ticks start again at
// each boot). Only supervise writes it (supervise/ is 0700, the file 0600), and ./run inherits
// no descriptor of it or of any other file under supervise/: a service can neither forge nor
// withdraw the record, it can only really exit.
// Just before each spawn the line says `pending MS BOOT` (one pwrite): should supervise die
// between the spawn and the record, the next one looks for that ./run in /proc (see
// findUnrecordedRun).
import {
  bootId,
  cwdIdentity,
  identityOf as liveIdentity,
  liveStat,
  type ProcessIdentity,
  sessionLeadersSince,
} from '@fortress/core/proc';

const { readSync, statSync, writeSync } = process.getBuiltinModule('node:fs');

export const RUN_RECORD_FILE = 'run.id';
/** Fixed length, so an overwrite in place (one pwrite, no rename) never leaves a longer tail. */
const RECORD_BYTES = 80;

let thisBoot: string | undefined;

function currentBootId(): string {
  thisBoot ??= bootId() ?? '-';
  return thisBoot;
}

/** The identity of our own child `pid` now (it cannot be reused before we reap it). */
export function identityOf(pid: number): ProcessIdentity {
  return liveIdentity(pid) ?? { pid, starttime: 0 };
}

/** Records `run` in place, or (no `run`) that a spawn is about to happen. Failures are reported, not thrown. */
export function writeRunRecord(fd: number, run: ProcessIdentity | undefined, warn: (err: unknown) => void): void {
  const line = run ? `${run.pid} ${run.starttime} ${currentBootId()}` : `pending ${Date.now()} ${currentBootId()}`;
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
export function recordedRunAlive(fd: number, dir: string): ProcessIdentity | undefined {
  const buf = Buffer.alloc(RECORD_BYTES);
  let n: number;
  try {
    n = readSync(fd, buf, 0, RECORD_BYTES, 0);
  } catch {
    return undefined;
  }
  const [first, start, boot] = buf.toString('latin1', 0, n).trim().split(/ +/);
  if (start === undefined || boot !== currentBootId()) return undefined;
  if (first === 'pending') return findUnrecordedRun(dir, Number(start));
  const pid = Number(first);
  const starttime = Number(start);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(starttime)) return undefined;
  return stillRunning({ pid, starttime }) ? { pid, starttime } : undefined;
}

/**
 * A ./run started at `sinceMs` or later whose record was never written: a live leader of its
 * own session and process group whose working directory is DIR (posix_spawn put it there).
 * The earliest such process, in case ./run started another session in DIR.
 */
export function findUnrecordedRun(dir: string, sinceMs: number): ProcessIdentity | undefined {
  let here: { dev: number; ino: number };
  try {
    here = statSync(dir);
  } catch {
    return undefined;
  }
  // Start times have 10 ms ticks, and the clock may have been stepped: one second of slack.
  const candidates = sessionLeadersSince(sinceMs - 1000).filter(({ pid }) => {
    const cwd = cwdIdentity(pid);
    return cwd !== undefined && cwd.dev === here.dev && cwd.ino === here.ino;
  });
  candidates.sort((a, b) => a.starttime - b.starttime);
  return candidates[0];
}

/** True while `run` is the same live process, leading its own session. */
export function stillRunning(run: ProcessIdentity): boolean {
  const now = liveStat(run.pid);
  return now !== undefined && now.starttime === run.starttime && now.session === run.pid && now.pgrp === run.pid;
}
