// fortress init's tests' fixture: scan directories with real services, and fortress init as PID 1
// of a fresh PID namespace (unshare --pid --fork --mount-proc --kill-child), in a process group
// the tests kill even when they fail. Root only (unshare, setpriv): `skip` says so otherwise.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { readAllStats } from '@fortress/core/proc';
import { FORTRESS } from './helpers.js';

export const canRun = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/bin/setpriv');
export const skip = canRun ? false : 'needs root, unshare and setpriv';
export const NOBODY = 65534;

export interface InitRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with unshare's exit code: init's, or 128 + signal. */
  exited: Promise<number>;
}

const started: ChildProcess[] = [];
after(() => {
  for (const child of started) killGroup(child);
});

export function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone
  }
}

export function scanDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fortress-init-'));
  mkdirSync(join(dir, 'service'));
  return dir;
}

export function addService(root: string, name: string, script: string): string {
  const dir = join(root, 'service', name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'run'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, 'run'), 0o755);
  return dir;
}

/** unshare ... fortress init ROOT/service [-- CMD], in a process group of its own. */
export function startInit(
  root: string,
  command: string[],
  env: Record<string, string> = {},
  prefix: string[] = [],
): InitRun {
  const args = ['--pid', '--fork', '--mount-proc', '--kill-child', ...prefix, process.execPath, FORTRESS, 'init'];
  args.push(join(root, 'service'));
  if (command.length > 0) args.push('--', ...command);
  const child = spawn('/usr/bin/unshare', args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Host pid of the namespace's PID 1 (the child of unshare). */
export function initPid(run: InitRun): number {
  const stat = readAllStats().find((s) => s.ppid === run.child.pid);
  if (stat === undefined) throw new Error('init not started yet');
  return stat.pid;
}

/** Every process below PID `top` (host view), zombies included. */
export function treeBelow(top: number): { pid: number; state: string }[] {
  const stats = readAllStats();
  const found: { pid: number; state: string }[] = [];
  const queue = [top];
  for (let i = 0; i < queue.length; i++) {
    for (const s of stats) {
      if (s.ppid !== queue[i]) continue;
      found.push({ pid: s.pid, state: s.state });
      queue.push(s.pid);
    }
  }
  return found;
}

export function lastExit(serviceDir: string): { code: number | null; signal: string | null } | undefined {
  try {
    return JSON.parse(readFileSync(join(serviceDir, 'supervise', 'status.json'), 'utf8')).lastExit ?? undefined;
  } catch {
    return undefined;
  }
}

export function runPid(serviceDir: string): number {
  try {
    return JSON.parse(readFileSync(join(serviceDir, 'supervise', 'status.json'), 'utf8')).pid ?? 0;
  } catch {
    return 0;
  }
}
