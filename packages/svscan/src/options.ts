// svscan's command line: svscan [-1] [-k] [-j] [-q] [-s SUPERVISE] [-t MS] [DIR].
import { resolve } from 'node:path';

export type Mode = 'process' | 'one-process';

export interface SvscanOptions {
  dir: string | undefined;
  mode: Mode;
  json: boolean;
  quiet: boolean;
  keepOnRemove: boolean;
  /** The supervise program; undefined for fortress's own, started from a pre-started spare. */
  supervise: string | undefined;
  intervalMs: number;
}

export class OptionError extends Error {
  readonly code = 'ERR_SVSCAN_USAGE';
}

export const USAGE = '[-1] [-k] [-j] [-q] [-s supervise] [-t ms] [dir]';

const LONG: Record<string, string> = {
  '--one-process': '-1',
  '--keep': '-k',
  '--json': '-j',
  '--quiet': '-q',
  '--supervise': '-s',
  '--interval': '-t',
};

/** Parses argv; SVSCAN_SUPERVISE names a supervise program unless -s does. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): SvscanOptions {
  const options: SvscanOptions = {
    dir: undefined,
    mode: 'process',
    json: false,
    quiet: false,
    keepOnRemove: false,
    supervise: env.SVSCAN_SUPERVISE || undefined,
    intervalMs: 5000,
  };
  const args = [...argv];
  while (args.length > 0) {
    const raw = args.shift()!;
    if (raw === '--') break;
    if (!raw.startsWith('-') || raw === '-') {
      args.unshift(raw);
      break;
    }
    const arg = LONG[raw] ?? raw;
    if (arg === '-1') options.mode = 'one-process';
    else if (arg === '-k') options.keepOnRemove = true;
    else if (arg === '-j') options.json = true;
    else if (arg === '-q') options.quiet = true;
    else if (arg === '-s' || arg === '-t') {
      const value = args.shift();
      if (value === undefined || value === '') throw new OptionError(`option ${raw} needs a value`);
      if (arg === '-s') options.supervise = value;
      else options.intervalMs = parseInterval(raw, value);
    } else throw new OptionError(`unknown option ${raw}`);
  }
  if (args.length > 1) throw new OptionError(`one directory expected, got ${args.length}`);
  options.dir = args[0];
  // A relative path with a slash would resolve differently in each child's cwd.
  if (options.supervise?.includes('/')) options.supervise = resolve(options.supervise);
  return options;
}

function parseInterval(option: string, value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 100 || ms > 3_600_000) {
    throw new OptionError(`option ${option}: expected milliseconds from 100 to 3600000, got ${value}`);
  }
  return ms;
}
