// djb's getopt (sgetopt/subgetopt) for flag-only options: options stop at the first argument
// that does not start with '-', at a lone '-' (kept as an operand) and at any argument starting
// with '--' (skipped, so `--help` ends the options just as `--` does).

export interface ParsedFlags {
  /** Option letters in command-line order, duplicates included. */
  flags: string[];
  /** The arguments after the options. */
  operands: string[];
  /** The first letter not in `letters`, when there is one (parsing stops there). */
  illegal?: string;
}

export function parseFlags(argv: readonly string[], letters: string): ParsedFlags {
  const flags: string[] = [];
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg[0] !== '-' || arg.length === 1) break;
    if (arg[1] === '-') {
      index++;
      break;
    }
    for (const letter of arg.slice(1)) {
      if (!letters.includes(letter)) return { flags, operands: argv.slice(index + 1), illegal: letter };
      flags.push(letter);
    }
  }
  return { flags, operands: argv.slice(index) };
}

export interface ParsedOptions {
  /** Options in command-line order: the letter, and its argument for a letter followed by `:` in the spec. */
  options: Array<{ letter: string; value?: string }>;
  operands: string[];
  /** The first letter not in the spec (parsing stops there). */
  illegal?: string;
  /** A letter that takes an argument and had none. */
  missing?: string;
}

/**
 * djb's getopt with arguments: SPEC lists the letters, one followed by `:` takes an argument,
 * the rest of its word (`-T500`) or else the next word (`-T 500`).
 */
export function parseOptions(argv: readonly string[], spec: string): ParsedOptions {
  const options: ParsedOptions['options'] = [];
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg[0] !== '-' || arg.length === 1) break;
    if (arg[1] === '-') {
      index++;
      break;
    }
    for (let at = 1; at < arg.length; at++) {
      const letter = arg[at]!;
      const where = spec.indexOf(letter);
      if (letter === ':' || where < 0) return { options, operands: argv.slice(index + 1), illegal: letter };
      if (spec[where + 1] !== ':') {
        options.push({ letter });
        continue;
      }
      let value = arg.slice(at + 1);
      if (value === '') {
        index++;
        if (index >= argv.length) return { options, operands: [], missing: letter };
        value = argv[index]!;
      }
      options.push({ letter, value });
      break;
    }
  }
  return { options, operands: argv.slice(index) };
}
