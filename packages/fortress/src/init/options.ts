// fortress init's command line and environment: fortress init [-q] [-j] SCANDIR [-- CMD ARGS...],
// and the grace times (milliseconds) of the stop, as s6-overlay's S6_*_GRACETIME variables.
import { getopt } from '@fortress/core/getopt';
import { usageError } from '@fortress/core/program';
import { RUN_DIR_DEFAULT } from './run-dir.js';

const { isAbsolute, resolve } = process.getBuiltinModule('node:path');

export const USAGE = 'init [-q] [-j] SCANDIR [-- CMD ARGS...] | init --prepare SCANDIR';

/** fortress init --prepare SCANDIR: the state links of a read-only scan directory (run-dir.ts). */
export interface PrepareOptions {
  scanDir: string;
  /** FORTRESS_RUN, absolute. */
  runDir: string;
}

export interface InitOptions {
  /** Absolute path of the scan directory. */
  scanDir: string;
  /** The image's command, run once the services are started; undefined: services only. */
  command: string[] | undefined;
  quiet: boolean;
  json: boolean;
  /** TERM to the command, then KILL after this long. */
  commandGraceMs: number;
  /** How long the services may take to stop (svc -dx) before the sweep. */
  servicesGraceMs: number;
  /** TERM to whatever is left, then KILL after this long. */
  killGraceMs: number;
  /** How long the command waits for the services to be started (0: not at all). */
  commandWaitMs: number;
}

/** Defaults that add up to 18 s, well inside Kubernetes' default 30 s grace period. */
export const GRACE_DEFAULTS = {
  FORTRESS_CMD_GRACETIME: 5000,
  FORTRESS_SERVICES_GRACETIME: 10000,
  FORTRESS_KILL_GRACETIME: 3000,
  FORTRESS_CMD_WAIT_FOR_SERVICES_MAXTIME: 5000,
} as const;

/** Throws a usage error for a bad command line or a grace time that is not milliseconds. */
export function parseInitOptions(argv: readonly string[], env: NodeJS.ProcessEnv): InitOptions {
  const parsed = getopt(argv, 'qj');
  if (parsed.problem !== undefined) throw usageError(parsed.problem);
  const [dir, ...rest] = parsed.operands;
  if (dir === undefined || dir === '') throw usageError('a scan directory is expected');
  const letters = new Set(parsed.options.map(([letter]) => letter));
  const command = rest[0] === '--' ? rest.slice(1) : rest;
  return {
    scanDir: resolve(dir),
    command: command.length > 0 ? command : undefined,
    quiet: letters.has('q'),
    json: letters.has('j'),
    commandGraceMs: milliseconds(env, 'FORTRESS_CMD_GRACETIME'),
    servicesGraceMs: milliseconds(env, 'FORTRESS_SERVICES_GRACETIME'),
    killGraceMs: milliseconds(env, 'FORTRESS_KILL_GRACETIME'),
    commandWaitMs: milliseconds(env, 'FORTRESS_CMD_WAIT_FOR_SERVICES_MAXTIME'),
  };
}

/** argv after `--prepare`; throws a usage error unless it is one SCANDIR and FORTRESS_RUN is absolute. */
export function parsePrepareOptions(argv: readonly string[], env: NodeJS.ProcessEnv): PrepareOptions {
  if (argv.length !== 1 || argv[0] === '') throw usageError('--prepare takes one scan directory');
  const runDir = env.FORTRESS_RUN || RUN_DIR_DEFAULT;
  if (!isAbsolute(runDir)) throw usageError(`FORTRESS_RUN: expected an absolute path, got ${runDir}`);
  return { scanDir: resolve(argv[0]!), runDir: resolve(runDir) };
}

function milliseconds(env: NodeJS.ProcessEnv, name: keyof typeof GRACE_DEFAULTS): number {
  const text = env[name];
  if (text === undefined || text === '') return GRACE_DEFAULTS[name];
  if (!/^\d{1,9}$/.test(text)) throw usageError(`${name}: expected milliseconds, got ${text}`);
  return Number(text);
}
