// svscan's command line: svscan [-1] [-k] [-j] [-q] [-s SUPERVISE] [-t MS] [DIR], through djb's
// getopt, with long names for the letters (fortress's extensions: the original has no options).
import { getopt } from '@fortress/core/getopt';
import { usageError } from '@fortress/core/program';

const { resolve } = process.getBuiltinModule('node:path');

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

export const USAGE = '[-1] [-k] [-j] [-q] [-s supervise] [-t ms] [dir]';
const SPEC = '1kjqs:t:';

const LONG: Record<string, string> = {
  '--one-process': '-1',
  '--keep': '-k',
  '--json': '-j',
  '--quiet': '-q',
  '--supervise': '-s',
  '--interval': '-t',
};

/** Parses argv; SVSCAN_SUPERVISE names a supervise program unless -s does. Throws usage errors. */
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
  const parsed = getopt(shortNames(argv), SPEC);
  if (parsed.problem !== undefined) throw usageError(parsed.problem);
  for (const [letter, value = ''] of parsed.options) {
    if (letter === '1') options.mode = 'one-process';
    else if (letter === 'k') options.keepOnRemove = true;
    else if (letter === 'j') options.json = true;
    else if (letter === 'q') options.quiet = true;
    else if (value === '') throw usageError(`option -${letter} needs a value`);
    else if (letter === 's') options.supervise = value;
    else options.intervalMs = parseInterval(value);
  }
  if (parsed.operands.length > 1) throw usageError(`one directory expected, got ${parsed.operands.length}`);
  options.dir = parsed.operands[0];
  // A relative path with a slash would resolve differently in each child's cwd.
  if (options.supervise?.includes('/')) options.supervise = resolve(options.supervise);
  return options;
}

// The long names, as their letters, where getopt would read options (not values, not operands).
function shortNames(argv: string[]): string[] {
  const args = [...argv];
  for (let i = 0; i < args.length && args[i]!.startsWith('-') && args[i] !== '--'; i += 1) {
    const short = LONG[args[i]!];
    if (short !== undefined) args[i] = short;
    if (!args[i]!.startsWith('--') && SPEC.includes(`${args[i]!.at(-1)}:`)) i += 1; // its value
  }
  return args;
}

function parseInterval(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 100 || ms > 3_600_000) {
    throw usageError(`option -t: expected milliseconds from 100 to 3600000, got ${value}`);
  }
  return ms;
}
