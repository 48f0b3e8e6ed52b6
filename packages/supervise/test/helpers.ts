// supervise's own fixtures: our and Debian's supervise as real processes, its status files, its
// control FIFO. What every package's tests share (temporary directories, service directories,
// waiting, cleanup by pid and group, /proc) comes from @fortress/test-support and core.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { liveStat, membersOf } from '@fortress/core/proc';
import { REPO } from '@fortress/test-support/paths';
import { killQuietly, killUnder } from '@fortress/test-support/processes';
import { makeService, writeScript } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';

export { killQuietly, makeService, REPO, waitFor, writeScript as writeExecutable };

export const SUPERVISE_BIN = join(REPO, 'packages/supervise/bin/supervise.js');

/** A temporary directory (test-support's tempDir: removed, and what runs in it killed, after the test or file). */
export function makeTempDir(prefix = 'supervise-test-'): string {
  return tempDir(prefix.replace(/-+$/, ''));
}

export interface Started {
  proc: ChildProcess;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a supervise program (ours by default) on `dir`, stderr captured. */
export function startSupervise(
  dir: string,
  program: string[] = [process.execPath, SUPERVISE_BIN],
  env: NodeJS.ProcessEnv = process.env,
): Started {
  const [cmd, ...args] = program;
  const proc = spawn(cmd!, [...args, dir], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let err = '';
  // A ./run that outlives a failed test keeps this pipe open: it must not keep the test alive.
  (proc.stderr as unknown as { unref(): void }).unref();
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, stderr: () => err, exit };
}

/** True when `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  return liveStat(pid) !== undefined;
}

/** Writes bytes to DIR/supervise/control (non-blocking open, as svc does). */
export function sendControl(dir: string, bytes: string | Uint8Array): void {
  const r = spawnSync('sh', ['-c', 'cat > "$1"', 'sh', join(dir, 'supervise/control')], {
    input: bytes,
    timeout: 5000,
  });
  if (r.status !== 0) throw new Error(`control write failed: ${r.stderr}`);
}

export function readStatusJson(dir: string): {
  pid: number;
  pgid: number;
  starts: number;
  lastStart: number | null;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
  supervisor: number;
  startError?: { text: string; at: number } | null;
} {
  return JSON.parse(readFileSync(join(dir, 'supervise/status.json'), 'utf8'));
}

export function readStatusBytes(dir: string): Buffer {
  return readFileSync(join(dir, 'supervise/status'));
}

/** Live members of process group `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  return membersOf(pgid).map((p) => p.pid);
}

/** Debian's svstat text for DIR (empty on failure). */
export function debianSvstat(dir: string): string {
  return spawnSync('/usr/bin/svstat', [dir], { encoding: 'utf8', timeout: 5000 }).stdout ?? '';
}

export function debianSvc(args: string[]): void {
  spawnSync('/usr/bin/svc', args, { timeout: 5000 });
}

/** Pid of the service as our status.json says, 0 when down or unreadable. */
export function servicePid(dir: string): number {
  try {
    return readStatusJson(dir).pid;
  } catch {
    return 0;
  }
}

/** Kills supervise and the service group it recorded, then removes `dir`. */
export function cleanup(started: Started[], dirs: string[], pgids: number[] = []): void {
  for (const s of started) if (s.proc.pid !== undefined) killQuietly(s.proc.pid);
  for (const g of pgids) if (g > 0) killQuietly(-g);
  for (const d of dirs) {
    for (const svc of safeList(d)) {
      try {
        const st = JSON.parse(readFileSync(join(d, svc, 'supervise/status.json'), 'utf8'));
        if (st.pgid > 0) killQuietly(-st.pgid);
      } catch {
        // no status.json
      }
      try {
        // Debian's supervise: its ./run shares the test's process group, so only its pid.
        const pid = readFileSync(join(d, svc, 'supervise/status')).readUInt32LE(12);
        if (pid > 0) killQuietly(pid);
      } catch {
        // no status
      }
    }
    killUnder(d);
    rmSync(d, { recursive: true, force: true });
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * For a test file: a temporary directory, and `supervise(dir)` that starts a supervise (ours, or
 * `program`) there; both are cleaned up after the file's tests, even when they fail.
 */
export function superviseLab(): { tmp: string; supervise: (dir: string, program?: string[]) => Started } {
  const tmp = makeTempDir();
  const started: Started[] = [];
  after(() => cleanup(started, [tmp]));
  const supervise = (dir: string, program?: string[]): Started => {
    const s = startSupervise(dir, program);
    started.push(s);
    return s;
  };
  return { tmp, supervise };
}
