// Chainload's fixtures over the shared ones (@fortress/test-support): our programs and Debian's
// run on the same input, in a PATH and environment the tests control.
import type { ChildProcess } from 'node:child_process';
import { debianProgram, ourProgram } from '@fortress/test-support/paths';
import { type Outcome, type RunOptions, run as runProgram } from '@fortress/test-support/run';

export type { Outcome, RunOptions };

/** A PATH the tests control, the same for our programs and Debian's. */
export const TEST_PATH = '/usr/bin:/bin';

/** The argv that runs our program NAME: Node 24 on its bin shim. */
export function ours(name: string, ...args: string[]): string[] {
  return ourProgram('chainload', name, ...args);
}

/** The argv that runs Debian's NAME. */
export function debian(name: string, ...args: string[]): string[] {
  return debianProgram(name, ...args);
}

export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: TEST_PATH, LANG: 'C', ...extra };
}

/** Runs argv to completion in testEnv() unless options.env says otherwise. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<Outcome> {
  return runProgram(argv, { env: testEnv(), ...options });
}

/**
 * Collects the output of a child the test spawned itself with node:child_process, for tests that
 * need exact control of its descriptors (execa would add or change some); SIGKILL past the deadline.
 */
export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid ?? -1 });
    });
  });
}

export const isRoot = process.getuid?.() === 0;
