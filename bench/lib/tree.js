// A supervision tree under test: a scanner started on a scan directory of services, measured,
// then stopped the way its system stops (and whatever it left killed). Programs run through execa.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { killUnder } from './processes.js';
import { sleep } from './wait.js';

/**
 * Starts ARGV in the background (output ignored unless STDERR is 'pipe' or 'inherit'): its pid,
 * its stderr stream, kill(signal), `exited` (resolves with execa's result, never rejects),
 * `running`, and `endedAt`, process.hrtime.bigint() of its exit (execa resolves a little later).
 */
export function startProgram(argv, { env = process.env, stderr = 'ignore', cwd, detached } = {}) {
  const subprocess = execa(argv[0], argv.slice(1), {
    env,
    extendEnv: false,
    stdio: ['ignore', 'ignore', stderr],
    cwd,
    detached,
    reject: false,
  });
  let running = true;
  let endedAt;
  subprocess.nodeChildProcess.once('exit', () => {
    endedAt = process.hrtime.bigint();
  });
  const exited = subprocess.then((result) => {
    running = false;
    return result;
  });
  return {
    pid: subprocess.pid,
    stderr: subprocess.stderr,
    kill: (signal) => subprocess.kill(signal),
    exited,
    get running() {
      return running;
    },
    get endedAt() {
      return endedAt;
    },
  };
}

/** Runs ARGV to completion (a peer's control program): its outcome, never a throw for a failure. */
export function runProgram(argv, { env = process.env, timeoutMs = 60_000 } = {}) {
  return execaSync(argv[0], argv.slice(1), {
    env,
    extendEnv: false,
    reject: false,
    timeout: timeoutMs,
    encoding: 'utf8',
  });
}

/** A service directory whose ./run writes its pid to DIR/started and sleeps; LOGGER (a shell line) as log/run. */
export function makeService(dir, { logger, runLines = ['echo $$ > started'] } = {}) {
  mkdirSync(dir, { recursive: true });
  // `echo` is a shell builtin: no fork between ./run starting and the mark.
  writeFileSync(join(dir, 'run'), `#!/bin/sh\n${runLines.join('\n')}\nexec sleep 100000\n`);
  chmodSync(join(dir, 'run'), 0o755);
  if (logger === undefined) return;
  mkdirSync(join(dir, 'log', 'main'), { recursive: true });
  writeFileSync(join(dir, 'log', 'run'), `#!/bin/sh\n${logger}\n`);
  chmodSync(join(dir, 'log', 'run'), 0o755);
}

/** Stops CHILD as SYSTEM does (`system.stop(child, scan)`), waits up to 15 s, then kills what is left under ROOT. */
export async function stopTree(system, child, scan, root) {
  if (child.running) system.stop(child, scan);
  await Promise.race([child.exited, sleep(15_000)]);
  await killUnder(root);
  if (child.running) child.kill('SIGKILL');
  await child.exited;
}
