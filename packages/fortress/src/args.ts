// The fortress subcommands' long options, over node:util's parseArgs: `--name VALUE`,
// `--name=VALUE`, flags, `--`. Its tokens are checked here so every mistake reads the same way.
import { parseArgs as parseTokens } from 'node:util';
import { usageError } from '@fortress/core/program';

export interface ParsedArgs {
  /** The last value of each option. */
  options: Map<string, string>;
  /** Every value of each option, in order (for repeatable ones such as --set). */
  lists: Map<string, string[]>;
  flags: Set<string>;
  /** Every operand, those after `--` included. */
  operands: string[];
  /** The operands after `--` only (conf takes a command's words there). */
  afterTerminator: string[];
}

/** `--help` or `-h` before any `--`: every subcommand answers it with its usage on stdout. */
export function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Parses argv against the option names that take a value and the flags; anything else throws a usage error (a FortressError, ERR_USAGE). */
export function parseArgs(argv: string[], valued: readonly string[], flags: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const name of valued) options[name] = { type: 'string', multiple: true };
  for (const name of flags) options[name] = { type: 'boolean' };
  // Not strict: parseArgs' own errors are worded for programmers; the tokens are checked below.
  const { tokens } = parseTokens({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const result: ParsedArgs = {
    options: new Map(),
    lists: new Map(),
    flags: new Set(),
    operands: [],
    afterTerminator: [],
  };
  let terminated = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      terminated = true;
    } else if (token.kind === 'positional') {
      result.operands.push(token.value);
      if (terminated) result.afterTerminator.push(token.value);
    } else if (valued.includes(token.name) && token.rawName.startsWith('--')) {
      if (token.value === undefined) throw usageError(`option --${token.name} needs a value`);
      result.options.set(token.name, token.value);
      result.lists.set(token.name, [...(result.lists.get(token.name) ?? []), token.value]);
    } else if (flags.includes(token.name) && token.rawName.startsWith('--')) {
      if (token.value !== undefined) throw usageError(`option --${token.name} takes no value`);
      result.flags.add(token.name);
    } else {
      throw usageError(`unknown option ${argv[token.index]}`);
    }
  }
  return result;
}
