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
