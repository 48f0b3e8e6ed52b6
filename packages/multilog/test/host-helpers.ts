// Helpers for the log host's tests: multilog-attach processes and the host they share, found and
// killed by pid (the host runs in a session of its own, outside every test's process group).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { REPO } from '@fortress/test-support/paths';
import { killQuietly } from '@fortress/test-support/processes';

export const ATTACH = join(REPO, 'packages/multilog/bin/multilog-attach');
export const NODE_BIN = join(REPO, 'node_modules/.bin');

/** A host socket name of this test file's own, so no other test's host is touched. */
export function hostName(label: string): string {
  return `fortress-test-${label}-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
}

/** The environment a logger runs with: Node 24 first on PATH, the host name given. */
export function hostEnv(name: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${NODE_BIN}:${process.env['PATH'] ?? ''}`, FORTRESS_LOGHOST: name };
}

/** Pids of the hosts serving `name` (their command line names it). */
export function hostPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
      if (argv.some((a) => /\/multilog-host(\.js)?$/.test(a)) && argv.includes(name)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Kills every host of `name` after the file's tests (or the current test), passed or not. */
export function killHostsAfter(name: string): void {
  after(() => {
    for (const pid of hostPids(name)) killQuietly(pid);
  });
}

/** Real uid of process `pid`. */
export function uidOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

export interface Attached {
  child: ChildProcess;
  stderr: () => string;
}

/**
 * Starts `sh -c COMMAND` (usually `WRITER | multilog-attach ...`) in a process group of its own,
 * killed after the test; collects its stderr.
 */
export function startPipeline(command: string, cwd: string, env: NodeJS.ProcessEnv): Attached {
  const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  after(() => {
    if (child.pid !== undefined) killQuietly(-child.pid);
  });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString('latin1');
  });
  return { child, stderr: () => text };
}

/** Every line of a log directory's files (old ones first), stamps removed. */
export function loggedLines(dir: string): string[] {
  const names = readdirSync(dir)
    .filter((n) => n.startsWith('@'))
    .sort();
  const text = [...names, 'current'].map((n) => readFileSync(join(dir, n), 'latin1')).join('');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => (line.startsWith('@') ? line.slice(26) : line));
}
