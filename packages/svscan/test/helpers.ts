// svscan's own fixtures: a service that records its pids, an svscan child, the supervise
// processes of a scan found in /proc. What every package's tests share (temporary directories,
// scripts, waiting, /proc) comes from @fortress/test-support and core.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listPids, liveStat, readCmdline, readCwd } from '@fortress/core/proc';
import { REPO } from '@fortress/test-support/paths';
import { writeScript } from '@fortress/test-support/service';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';

export { REPO, waitFor, writeScript as script };

export const SVSCAN = join(REPO, 'packages/svscan/bin/svscan.js');
export const OUR_SUPERVISE = join(REPO, 'packages/supervise/bin/supervise.js');
/** A supervise program for tests that name one: FORTRESS_TEST_SUPERVISE, else ours. */
export const SUPERVISE = process.env.FORTRESS_TEST_SUPERVISE || OUR_SUPERVISE;

/** A temporary directory (test-support's tempDir: removed, and what runs in it killed, after the test). */
export function tempRoot(label: string): string {
  return tempDir(`svscan-${label}`);
}

/** A service directory whose ./run records its pid in DIR/pids and then runs `body`. */
export function makeService(dir: string, body = 'exec sleep 1000'): string {
  mkdirSync(dir, { recursive: true });
  writeScript(join(dir, 'run'), `echo $$ >> pids\n${body}`);
  return dir;
}

export function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

export interface ProcInfo {
  pid: number;
  cwd: string;
  argv: string[];
  state: string;
}

/** Live (non-zombie) processes whose cwd is ROOT or below it. */
export function processesUnder(root: string): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const pid of listPids()) {
    const cwd = readCwd(pid); // undefined: gone meanwhile, or not ours to read
    if (cwd === undefined || (root !== '/' && cwd !== root && !cwd.startsWith(`${root}/`))) continue;
    const stat = liveStat(pid);
    const argv = readCmdline(pid)?.filter((a) => a !== '');
    if (stat && argv) found.push({ pid, cwd, argv, state: stat.state });
  }
  return found;
}

// `supervise NAME`, `node .../supervise.js NAME`, or a spare titled `supervise NAME`.
const isSupervise = (argv: string[]): boolean =>
  argv.slice(0, -1).some((a) => a.endsWith('/supervise') || a === 'supervise' || a.endsWith('/supervise.js'));

/**
 * supervise processes (ours or Debian's) started as `supervise ARG` for one of NAMES, working in
 * one of CWDS: Debian's chdirs into the service directory; ours stays in the scan directory.
 */
export function supervisorsNamed(names: string[], cwds: string[]): ProcInfo[] {
  return processesUnder('/').filter((p) => {
    // process.title puts `supervise NAME` in argv[0] as one string.
    const argv = p.argv.length === 1 ? p.argv[0]!.split(' ') : p.argv;
    return isSupervise(argv) && names.includes(argv.at(-1)!) && cwds.includes(p.cwd);
  });
}

/** supervise processes for SERVICE (its real path) in SCAN, by any of NAMES, or for SERVICE/log. */
export function supervisorsOf(scan: string, service: string, names: string[]): ProcInfo[] {
  return supervisorsNamed(names, [scan, service]);
}

export function logSupervisorsOf(service: string): ProcInfo[] {
  return supervisorsNamed(['log'], [service, join(service, 'log')]);
}

/** Live children of PID. */
export function childrenOf(pid: number): ProcInfo[] {
  return processesUnder('/').filter((p) => liveStat(p.pid)?.ppid === pid);
}

/** Live pids among the numbers in a pids file. */
export function livePids(path: string): number[] {
  return readLines(path)
    .map(Number)
    .filter((pid) => isAlive(pid));
}

export function isAlive(pid: number): boolean {
  return liveStat(pid) !== undefined;
}

export interface Svscan {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export function startSvscan(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Svscan {
  const child = spawn(process.execPath, [SVSCAN, ...args, dir], {
    cwd: dir,
    env: { ...process.env, PATH: `${REPO}node_modules/.bin:${process.env.PATH}`, SVSCAN_SUPERVISE: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

/** Kills svscan (if still running) and every process left under ROOT, then removes ROOT. */
export async function cleanUp(root: string, svscans: Svscan[]): Promise<void> {
  for (const s of svscans) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  for (let round = 0; round < 20; round++) {
    const left = processesUnder(root);
    if (left.length === 0) break;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(root, { recursive: true, force: true });
}
