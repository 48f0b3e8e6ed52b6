// djb's sgetopt: short options only, parsed up to the first non-option argument or `--`.

export interface ParsedOption {
  letter: string;
  value: string | undefined;
}

export interface GetoptResult {
  options: ParsedOption[];
  /** The arguments after the options. */
  rest: string[];
}

/** What getopt(3) prints before the usage line: `illegal option -- X`. */
export interface GetoptError {
  error: string;
}

/**
 * Parses `argv` against a getopt spec such as `a:c:d:` or `nNxX`. An unknown option or a
 * missing value gives `illegal option -- X` / `option requires an argument -- X`, which the
 * caller prints (`PROG: ...`) before its usage line.
 */
export function getopt(argv: readonly string[], spec: string): GetoptResult | GetoptError {
  const options: ParsedOption[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg === '--') {
      i += 1;
      break;
    }
    if (arg.length < 2 || arg[0] !== '-') break;
    i += 1;
    for (let j = 1; j < arg.length; j += 1) {
      const letter = arg[j]!;
      const at = letter === ':' ? -1 : spec.indexOf(letter);
      if (at === -1) {
        return { error: `illegal option -- ${letter}` };
      }
      if (spec[at + 1] !== ':') {
        options.push({ letter, value: undefined });
        continue;
      }
      if (j + 1 < arg.length) {
        options.push({ letter, value: arg.slice(j + 1) });
      } else if (i < argv.length) {
        options.push({ letter, value: argv[i]! });
        i += 1;
      } else {
        return { error: `option requires an argument -- ${letter}` };
      }
      break;
    }
  }
  return { options, rest: argv.slice(i) };
}
