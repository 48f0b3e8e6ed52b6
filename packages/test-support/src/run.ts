// Running a program to completion and collecting what it wrote, through execa: the exact
// environment given (nothing inherited), output byte for byte (no final newline stripped),
// never a rejection for a non-zero exit, a SIGKILL past the deadline. Tests that need exact
// control of descriptors or process groups use node:child_process directly (see processes.ts).
import { execa, execaSync, type Options, type ResultPromise, type SyncOptions } from 'execa';

export interface Outcome<Out = string> {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Out;
  stderr: string;
  /** The program's pid (-1 from the synchronous runs, which cannot know it). */
  pid: number;
}

/** An outcome in spawnSync's field names (`status` for the exit code), for tests written against spawnSync. */
export interface SyncRun<Out = string> {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Out;
  stderr: string;
}

export function asSyncRun<Out>(outcome: Outcome<Out>): SyncRun<Out> {
  return { status: outcome.code, signal: outcome.signal, stdout: outcome.stdout, stderr: outcome.stderr };
}

export interface RunOptions {
  /** The whole environment of the program; the test's own when absent. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Standard input: these bytes, else a descriptor number (a file, a FIFO); empty when absent. */
  input?: string | Uint8Array;
  stdin?: number | 'ignore';
  /** Standard output and error: pipes collected by default, or a descriptor number. */
  stdout?: number | 'ignore';
  stderr?: number | 'ignore';
  /** How output is decoded to text; utf8 by default. */
  encoding?: 'utf8' | 'latin1';
  uid?: number;
  gid?: number;
  /** SIGKILL after this many ms (60 s by default): a hung program fails its test, not the run. */
  timeoutMs?: number;
}

// Typed loosely: execa's types admit descriptor numbers only up to 9; at run time any open one works.
function execaOptions(options: RunOptions): Record<string, unknown> {
  return {
    env: options.env ?? process.env,
    extendEnv: false,
    cwd: options.cwd,
    ...(options.stdin === undefined ? { input: options.input ?? '' } : { stdin: options.stdin }),
    stdout: options.stdout ?? 'pipe',
    stderr: options.stderr ?? 'pipe',
    uid: options.uid,
    gid: options.gid,
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
    reject: false,
    maxBuffer: 256 * 1024 * 1024,
  };
}

interface Finished {
  exitCode?: number | undefined;
  signal?: string | undefined;
  code?: string | undefined;
  failed: boolean;
  message?: string;
}

// A program that could not be started at all is the test's error, not an outcome.
function exitOf(r: Finished): { code: number | null; signal: NodeJS.Signals | null } {
  if (r.exitCode === undefined && r.signal === undefined) throw new Error(r.message ?? 'unable to run program');
  return { code: r.exitCode ?? null, signal: (r.signal as NodeJS.Signals | undefined) ?? null };
}

function text(out: unknown): string {
  return typeof out === 'string' ? out : '';
}

function bytes(out: unknown): Buffer {
  return out instanceof Uint8Array ? Buffer.from(out) : Buffer.alloc(0);
}

/** Starts ARGV; await `finish()` on it for the outcome. Its `pid` is known at once. */
export function start(argv: readonly string[], options: RunOptions = {}): ResultPromise<Options> {
  const encoding = options.encoding ?? 'utf8';
  return execa(argv[0]!, argv.slice(1), { ...execaOptions(options), encoding } as Options);
}

export async function finish(running: ResultPromise<Options>): Promise<Outcome> {
  const r = await running;
  return { ...exitOf(r), stdout: text(r.stdout), stderr: text(r.stderr), pid: running.pid ?? -1 };
}

/** Runs ARGV to completion. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<Outcome> {
  return finish(start(argv, options));
}

/** Runs ARGV to completion, blocking the test (for tests written in synchronous steps). */
export function runSync(argv: readonly string[], options: RunOptions = {}): Outcome {
  const encoding = options.encoding ?? 'utf8';
  const r = execaSync(argv[0]!, argv.slice(1), { ...execaOptions(options), encoding } as SyncOptions);
  return { ...exitOf(r), stdout: text(r.stdout), stderr: text(r.stderr), pid: -1 };
}

/** runSync with standard output as bytes (standard error as latin1 text). */
export function runSyncBytes(argv: readonly string[], options: RunOptions = {}): Outcome<Buffer> {
  const r = execaSync(argv[0]!, argv.slice(1), { ...execaOptions(options), encoding: 'buffer' } as SyncOptions);
  return { ...exitOf(r), stdout: bytes(r.stdout), stderr: bytes(r.stderr).toString('latin1'), pid: -1 };
}

/** run with standard output and error as bytes. */
export async function runBytes(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<Outcome<Buffer> & { stderrBytes: Buffer }> {
  const running = execa(argv[0]!, argv.slice(1), { ...execaOptions(options), encoding: 'buffer' } as Options);
  const r = await running;
  const stderr = bytes(r.stderr);
  return {
    ...exitOf(r),
    stdout: bytes(r.stdout),
    stderr: stderr.toString('latin1'),
    stderrBytes: stderr,
    pid: running.pid ?? -1,
  };
}

/** run, rejecting unless the program exits 0 (naming its stderr): for the steps a test relies on. */
export async function runChecked(argv: readonly string[], options: RunOptions = {}): Promise<Outcome> {
  const r = await run(argv, options);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: exit ${r.code ?? r.signal}: ${r.stderr}`);
  return r;
}
