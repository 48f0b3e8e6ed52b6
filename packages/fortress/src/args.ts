// A small option parser for the fortress subcommands: `--name VALUE`, `--name=VALUE`, flags, `--`.
export interface ParsedArgs {
  /** The last value of each option. */
  options: Map<string, string>;
  /** Every value of each option, in order (for repeatable ones such as --set). */
  lists: Map<string, string[]>;
  flags: Set<string>;
  operands: string[];
}

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** Parses argv against the option names that take a value and the flags; anything else is a usage error. */
export function parseArgs(argv: string[], valued: readonly string[], flags: readonly string[]): ParsedArgs {
  const result: ParsedArgs = { options: new Map(), lists: new Map(), flags: new Set(), operands: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      result.operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      result.operands.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (valued.includes(name)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      result.options.set(name, value);
      result.lists.set(name, [...(result.lists.get(name) ?? []), value]);
    } else if (flags.includes(name) && eq === -1) {
      result.flags.add(name);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return result;
}
