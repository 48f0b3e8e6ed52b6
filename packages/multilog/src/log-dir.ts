// An automatically rotated log directory, as multilog 0.76 keeps it: lock, current (0644 while
// written, 0744 once safely closed), @LABEL.s / @LABEL.u, state and the processor files.
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { errorCode, FortressError } from '@fortress/core/errors';
import { flock, LOCK_EX, LOCK_NB } from '@fortress/core/libc';
import { finishFile, type Retention } from './finish.js';
import { BufferedOutput } from './output.js';
import type { Pause } from './pause.js';
import { processPrevious } from './processor.js';
import type { DirSettings } from './script.js';

const BATCH = 64 * 1024;
const NEWLINE = 10;
const OWNER_EXECUTE = 0o100;

function statOrUndefined(pause: Pause, path: string): Promise<Stats | undefined> {
  return pause.persist(`unable to stat ${path}`, () => {
    try {
      return statSync(path);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err;
    }
  });
}

function removeIfThere(pause: Pause, path: string): Promise<void> {
  return pause.persist(`unable to remove ${path}`, () => {
    try {
      unlinkSync(path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  });
}

export class LogDir extends BufferedOutput {
  readonly path: string;
  private readonly size: number;
  private readonly retention: Retention;
  private readonly processor: string | undefined;
  private readonly maxAge: number;
  private ageTimer: NodeJS.Timeout | undefined;
  private rotationDue = false;
  /** Called when the age limit makes a rotation due (multilog then stops waiting for input). */
  onRotationDue: () => void = () => {};
  /** A step failed after SIGTERM: current must not be marked complete. */
  private broken = false;
  private lockFd: number;
  private currentFd = -1;
  /** Bytes in `current` on disk (queued bytes not counted). */
  private bytes = 0;

  private readonly pause: Pause;

  /** Creates (0700), locks and recovers the directory; start-up failures throw FortressError (ERR_STARTUP). */
  static async open(pause: Pause, settings: DirSettings): Promise<LogDir> {
    const dir = new LogDir(pause, settings);
    try {
      await dir.recover();
    } catch (err) {
      dir.release();
      throw err;
    }
    return dir;
  }

  private constructor(pause: Pause, settings: DirSettings) {
    super(BATCH);
    this.pause = pause;
    this.path = settings.path;
    this.size = settings.size;
    this.retention = { num: settings.num, total: settings.total };
    this.processor = settings.processor || undefined;
    this.maxAge = settings.maxAge;
    try {
      mkdirSync(this.path, 0o700);
    } catch {
      // Exists already, or the open below reports why not.
    }
    try {
      closeSync(openSync(this.path, constants.O_RDONLY | constants.O_DIRECTORY));
    } catch (err) {
      throw new FortressError('ERR_STARTUP', `unable to open directory ${this.path}`, err);
    }
    try {
      this.lockFd = openSync(`${this.path}/lock`, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    } catch (err) {
      throw new FortressError('ERR_STARTUP', `unable to lock directory ${this.path}`, err);
    }
    try {
      flock(this.lockFd, LOCK_EX | LOCK_NB);
    } catch (err) {
      closeSync(this.lockFd);
      throw new FortressError('ERR_STARTUP', `unable to lock directory ${this.path}`, err);
    }
  }

  private file(name: string): string {
    return `${this.path}/${name}`;
  }

  /** Start-up: append to a cleanly closed current, or turn what an interrupted run left into .u/.s files. */
  private async recover(): Promise<void> {
    const pause = this.pause;
    const current = await statOrUndefined(pause, this.file('current'));
    if (current && current.mode & OWNER_EXECUTE) {
      this.currentFd = await pause.persist(`unable to open ${this.file('current')}`, () =>
        openSync(this.file('current'), constants.O_WRONLY | constants.O_APPEND),
      );
      this.bytes = fstatSync(this.currentFd).size;
      await pause.persist(`unable to set mode of ${this.file('current')}`, () => fchmodSync(this.currentFd, 0o644));
      if (this.bytes > 0) this.startAgeTimer();
      return;
    }
    await removeIfThere(pause, this.file('state'));
    await removeIfThere(pause, this.file('newstate'));
    const processed = await statOrUndefined(pause, this.file('processed'));
    if (processed && processed.mode & OWNER_EXECUTE) {
      await removeIfThere(pause, this.file('previous'));
      await finishFile(pause, this.path, 'processed', 's', this.retention);
    } else {
      await removeIfThere(pause, this.file('processed'));
      await finishFile(pause, this.path, 'previous', 'u', this.retention);
    }
    await finishFile(pause, this.path, 'current', 'u', this.retention);
    await pause.persist(`unable to create ${this.file('state')}`, () =>
      closeSync(openSync(this.file('state'), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644)),
    );
    await this.openNewCurrent();
  }

  private async openNewCurrent(): Promise<void> {
    const path = this.file('current');
    this.currentFd = await this.pause.persist(`unable to create ${path}`, () =>
      openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_TRUNC, 0o644),
    );
    await this.pause.persist(`unable to set mode of ${path}`, () => fchmodSync(this.currentFd, 0o644));
    this.bytes = 0;
  }

  /**
   * Appends to current under 0.76's rule: current never exceeds SIZE, and once it reaches
   * SIZE - 2000 bytes it is rotated at the next newline.
   */
  protected writeThrough(src: Buffer, start: number, end: number): Promise<void> {
    return this.guard(() => this.append(src, start, end));
  }

  private async append(src: Buffer, start: number, end: number): Promise<void> {
    const threshold = this.size - 2000;
    while (start < end) {
      if (this.bytes >= this.size) await this.rotateNow();
      let n = Math.min(end - start, this.size - this.bytes);
      let rotateAfter = false;
      const need = threshold - this.bytes;
      if (n >= need) {
        const limit = start + n;
        for (let i = start + Math.max(need - 1, 0); i < limit; i++) {
          if (src[i] === NEWLINE) {
            n = i + 1 - start;
            rotateAfter = true;
            break;
          }
        }
      }
      await this.writeFully(src, start, start + n);
      if (this.bytes === 0 && n > 0) this.startAgeTimer();
      this.bytes += n;
      start += n;
      if (rotateAfter) await this.rotateNow();
    }
  }

  private async writeFully(src: Buffer, start: number, end: number): Promise<void> {
    while (start < end) {
      try {
        start += writeSync(this.currentFd, src, start, end - start);
      } catch (err) {
        const code = errorCode(err);
        if (code !== 'EAGAIN' && code !== 'EINTR') {
          await this.pause.after(`unable to write to ${this.file('current')}`, err);
        }
      }
    }
  }

  /**
   * Extension `aSECONDS`: rotate once the oldest line in current is that old. The timer fires
   * only between reads of input (all outputs flushed), like SIGALRM.
   */
  private startAgeTimer(): void {
    if (this.maxAge <= 0 || this.ageTimer) return;
    this.ageTimer = setTimeout(() => {
      this.ageTimer = undefined;
      this.rotationDue = true;
      this.onRotationDue();
    }, this.maxAge * 1000);
    this.ageTimer.unref();
  }

  private stopAgeTimer(): void {
    if (this.ageTimer) clearTimeout(this.ageTimer);
    this.ageTimer = undefined;
  }

  /** SIGALRM: rotate now if current has anything in it. */
  rotateIfNotEmpty(): Promise<void> {
    return this.guard(async () => {
      await this.flush();
      if (this.bytes > 0) await this.rotateNow();
    });
  }

  /** The age limit: rotate if the timer said so (called between reads, all outputs flushed). */
  async rotateIfDue(): Promise<void> {
    if (!this.rotationDue) return;
    this.rotationDue = false;
    if (this.currentFd >= 0) await this.rotateIfNotEmpty();
  }

  /** Runs a step that may give up (GAVE_UP after SIGTERM), noting that the directory is then broken. */
  private async guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.broken = true;
      throw err;
    }
  }

  /** 0.76's fullcurrent: sync, current becomes previous, a fresh current, then process or finish previous. */
  private async rotateNow(): Promise<void> {
    const pause = this.pause;
    const current = this.file('current');
    const previous = this.file('previous');
    this.stopAgeTimer();
    await pause.persist(`unable to write ${current} to disk`, () => fsyncSync(this.currentFd));
    closeSync(this.currentFd);
    this.currentFd = -1;
    await pause.persist(`unable to rename current to previous in directory ${this.path}`, () =>
      renameSync(current, previous),
    );
    await this.openNewCurrent();
    await pause.persist(`unable to set mode of ${previous}`, () => chmodSync(previous, 0o744));
    if (this.processor !== undefined) await processPrevious(pause, this.path, this.processor, this.retention);
    else await finishFile(pause, this.path, 'previous', 's', this.retention);
  }

  /** Exit: flush, sync and mark current as safely written (0744). */
  async close(): Promise<void> {
    if (this.currentFd < 0) return;
    if (this.broken) {
      this.abandon();
      return;
    }
    this.stopAgeTimer();
    const current = this.file('current');
    await this.guard(async () => {
      await this.flush();
      await this.pause.persist(`unable to write ${current} to disk`, () => fsyncSync(this.currentFd));
      await this.pause.persist(`unable to set mode of ${current}`, () => fchmodSync(this.currentFd, 0o744));
    });
    closeSync(this.currentFd);
    this.currentFd = -1;
  }

  /** Stop without marking current complete: the next start makes it a .u file. */
  abandon(): void {
    this.stopAgeTimer();
    if (this.currentFd >= 0) closeSync(this.currentFd);
    this.currentFd = -1;
  }

  /** Gives the directory up for good: abandons current if still open and unlocks (a host's logger ends; a process's exit does this). */
  release(): void {
    this.abandon();
    if (this.lockFd >= 0) closeSync(this.lockFd);
    this.lockFd = -1;
  }
}
