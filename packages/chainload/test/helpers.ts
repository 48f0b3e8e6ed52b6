// Shared fixtures: run our programs and Debian's on the same input, temporary directories,
// and waiting with a deadline.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@fortress/core/wait-for';

export { waitFor };

export const REPO = new URL('../../../', import.meta.url).pathname;
export const BIN = join(REPO, 'packages/chainload/bin');
/** A PATH the tests control, the same for our programs and Debian's. */
export const TEST_PATH = '/usr/bin:/bin';

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** The argv that runs our program NAME: Node 24 on its bin shim. */
export function ours(name: string, ...args: string[]): string[] {
  return [process.execPath, join(BIN, `${name}.js`), ...args];
}

/** The argv that runs Debian's NAME. */
export function debian(name: string, ...args: string[]): string[] {
  return [`/usr/bin/${name}`, ...args];
}

export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: TEST_PATH, LANG: 'C', ...extra };
}

/** Runs argv to completion; kills it (by pid) if it outlives the deadline. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<Outcome> {
  const child = spawn(argv[0]!, argv.slice(1), {
    env: options.env ?? testEnv(),
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, options);
}

export function collect(child: ChildProcess, options: RunOptions = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  child.stdin?.on('error', () => {});
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
  });
}

/** A temporary directory readable by every account (tests switch to `nobody`). */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `chainload-${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

export const isRoot = process.getuid?.() === 0;
