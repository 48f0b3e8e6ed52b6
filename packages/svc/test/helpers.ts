// svc's own fixtures: fake supervise FIFOs held by the test, status records, real supervise
// processes (Debian's and ours), and our programs and Debian's run side by side. What every
// package's tests share (running programs, paths, waiting, /proc, cleanup) comes from
// @fortress/test-support and core.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkfifo as makeFifo } from '@fortress/core/libc';
import { liveStat } from '@fortress/core/proc';
import { debianProgram, ourProgram, REPO } from '@fortress/test-support/paths';
import { killQuietly } from '@fortress/test-support/processes';
import { runSync } from '@fortress/test-support/run';
import { waitFor } from '@fortress/test-support/wait-for';

export { killQuietly, REPO, waitFor };

export const OUR_BIN = join(REPO, 'packages/svc/bin');
export const OUR_SUPERVISE = join(REPO, 'packages/supervise/bin/supervise.js');
export const OUR_SUPERVISE_BUILT = existsSync(join(REPO, 'packages/supervise/dist/bin/supervise.js'));
export const DEBIAN_SUPERVISE = '/usr/bin/supervise';

/** What a run of svc, svstat or svok gave (tests compare it whole). */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** ARGV run to completion as UID (and its group) when given; output as latin1. */
function runAs(argv: string[], cwd: string | undefined, uid: number | undefined): Run {
  const r = runSync(argv, { cwd, encoding: 'latin1', ...(uid === undefined ? {} : { uid, gid: uid }) });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** Runs one of our programs (svc, svstat, svok) with the Node running the tests. */
export function ours(program: string, args: string[], cwd?: string, uid?: number): Run {
  return runAs(ourProgram('svc', program, ...args), cwd, uid);
}

/** Runs Debian's original (/usr/bin/svc, svstat, svok). */
export function debian(program: string, args: string[], cwd?: string, uid?: number): Run {
  return runAs(debianProgram(program, ...args), cwd, uid);
}

/** A temporary directory the caller removes with removeDir (svc's tests make theirs in `before` hooks). */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fortress-svc-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function mkfifo(path: string): void {
  makeFifo(path, 0o600);
}

/**
 * A service directory whose supervise/ok and supervise/control FIFOs the test itself holds open
 * for reading: svstat/svok see a "running supervise", and the bytes svc sends can be read back.
 */
export class FakeSupervise {
  readonly okFd: number;
  readonly controlFd: number;
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'supervise'), { recursive: true });
    mkfifo(join(dir, 'supervise/ok'));
    mkfifo(join(dir, 'supervise/control'));
    this.okFd = openSync(join(dir, 'supervise/ok'), constants.O_RDONLY | constants.O_NONBLOCK);
    this.controlFd = openSync(join(dir, 'supervise/control'), constants.O_RDONLY | constants.O_NONBLOCK);
  }

  writeStatus(bytes: Buffer): void {
    writeFileSync(join(this.dir, 'supervise/status'), bytes);
  }

  /** Everything written to the control FIFO so far. */
  readControl(): string {
    const buf = Buffer.alloc(256);
    let out = '';
    for (;;) {
      let n = 0;
      try {
        n = readSync(this.controlFd, buf, 0, buf.length, null);
      } catch {
        return out;
      }
      if (n === 0) return out;
      out += buf.toString('latin1', 0, n);
    }
  }

  close(): void {
    closeSync(this.okFd);
    closeSync(this.controlFd);
  }
}

/** An 18-byte status record: stamp in unix seconds, pid, paused byte, want byte. */
export function statusBytes(unixSeconds: number, pid: number, paused: number, want: number): Buffer {
  const buf = Buffer.alloc(18);
  buf.writeBigUInt64BE(0x400000000000000an + BigInt(unixSeconds), 0);
  buf.writeUInt32BE(500, 8);
  buf.writeUInt32LE(pid, 12);
  buf[16] = paused;
  buf[17] = want;
  return buf;
}

/** ./run that records the signals it gets in ./signals; TERM makes it exit. */
export const SIGNAL_RUN = `#!/bin/sh
for s in HUP ALRM INT QUIT USR1 USR2 WINCH; do trap "echo $s >> signals" $s; done
trap 'echo TERM >> signals; exit 0' TERM
echo "start $$" >> signals
while :; do sleep 1 & wait $!; done
`;

export const SLEEP_RUN = '#!/bin/sh\nexec sleep 1000\n';

export function makeService(parent: string, name: string, run: string, down = false): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'run'), run);
  chmodSync(join(dir, 'run'), 0o755);
  if (down) writeFileSync(join(dir, 'down'), '');
  return dir;
}

export function readSignals(dir: string): string[] {
  try {
    return readFileSync(join(dir, 'signals'), 'latin1').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The pid in DIR/supervise/status, 0 when down or unreadable. */
export function statusPid(dir: string): number {
  try {
    const buf = readFileSync(join(dir, 'supervise/status'));
    return buf.length >= 18 ? buf.readUInt32LE(12) : 0;
  } catch {
    return 0;
  }
}

export function isAlive(pid: number): boolean {
  return liveStat(pid) !== undefined;
}

/** The one-letter process state from /proc/PID/stat (R, S, T, Z...). */
export function processState(pid: number): string {
  return liveStat(pid)?.state ?? 'Z';
}

export type SuperviseKind = 'debian' | 'ours';

/** A supervise process (Debian's or ours) on one directory, stopped for good by stop(). */
export class RunningSupervise {
  readonly child: ChildProcess;
  stderr = '';
  private readonly servicePids = new Set<number>();
  readonly kind: SuperviseKind;
  readonly dir: string;
  constructor(kind: SuperviseKind, dir: string) {
    this.kind = kind;
    this.dir = dir;
    const [cmd, args] = kind === 'debian' ? [DEBIAN_SUPERVISE, [dir]] : [process.execPath, [OUR_SUPERVISE, dir]];
    this.child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child.stderr?.setEncoding('latin1').on('data', (d: string) => {
      this.stderr += d;
    });
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Waits until supervise answers on supervise/ok (checked with Debian's svok). */
  async ready(): Promise<void> {
    await waitFor(`${this.kind} supervise on ${this.dir}`, () => {
      if (this.exited) throw new Error(`supervise exited: ${this.stderr}`);
      return debian('svok', [this.dir]).status === 0;
    });
  }

  /** Waits for ./run to be up, and remembers its pid for clean-up. */
  async up(): Promise<number> {
    const pid = await waitFor('service up', () => {
      const p = statusPid(this.dir);
      return isAlive(p) ? p : 0;
    });
    this.servicePids.add(pid);
    return pid;
  }

  /** Remembers a pid to kill at stop() if still alive. */
  track(pid: number): void {
    this.servicePids.add(pid);
  }

  async stop(): Promise<void> {
    const pid = statusPid(this.dir);
    if (pid) this.servicePids.add(pid);
    if (!this.exited) {
      debian('svc', ['-dx', this.dir]);
      try {
        await waitFor('supervise to exit', () => this.exited, 10_000);
      } catch {
        killQuietly(-(this.child.pid ?? 0), 'SIGKILL');
        killQuietly(this.child.pid ?? 0, 'SIGKILL');
      }
    }
    for (const p of this.servicePids) {
      if (isAlive(p)) {
        killQuietly(-p, 'SIGKILL');
        killQuietly(p, 'SIGKILL');
      }
    }
  }
}

/** The kinds of supervise to test against: Debian's always, ours once packages/supervise is built. */
export const SUPERVISE_KINDS: { kind: SuperviseKind; skip: string | false }[] = [
  { kind: 'debian', skip: false },
  { kind: 'ours', skip: OUR_SUPERVISE_BUILT ? false : 'packages/supervise is not built yet' },
];
