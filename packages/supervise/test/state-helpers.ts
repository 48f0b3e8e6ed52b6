// What the state machine's tests (check, needs, oneshot) share: our supervise as a real process
// in a process group of its own (SIGKILLed with everything it started after the file's tests),
// status.json as it is on disk, and svc run to its end.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ourProgram } from '@fortress/test-support/paths';
import { spawnGroup } from '@fortress/test-support/processes';
import { type Outcome, run } from '@fortress/test-support/run';

export interface Supervised {
  proc: ChildProcess;
  stderr: () => string;
}

/** `supervise DIR` (ours), started with the working directory CWD (the scan directory). */
export function superviseProcess(dir: string, cwd?: string): Supervised {
  const proc = spawnGroup(ourProgram('supervise', 'supervise', dir), {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  let text = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  return { proc, stderr: () => text };
}

export interface StatusJson {
  pid: number;
  state?: string;
  ready?: boolean | null;
  readySince?: number | null;
  starts: number;
  lastExit: { code: number | null; signal: string | null } | null;
  waitingFor?: string[];
  failedNeeds?: string[];
  type?: string;
}

/** DIR/supervise/status.json, or undefined while there is none (or it is being replaced). */
export function statusJson(dir: string): StatusJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'supervise/status.json'), 'utf8')) as StatusJson;
  } catch {
    return undefined;
  }
}

/** The state status.json says, or undefined. */
export const stateOf = (dir: string): string | undefined => statusJson(dir)?.state;

/** Our svc with ARGS, to its end. */
export function svc(...args: string[]): Promise<Outcome> {
  return run(ourProgram('svc', 'svc', ...args));
}

/** Debian's svstat on DIRS: its output. */
export async function debianSvstat(...dirs: string[]): Promise<string> {
  return (await run(['/usr/bin/svstat', ...dirs])).stdout;
}
