// djb-style getopt: clustered flags (`-HRl0`), option arguments attached or separate,
// `--` ends options, the first non-option ends them too. Unknown letters are usage errors.
export interface ParsedArgs {
  options: Array<[string, string | undefined]>;
  operands: string[];
}

/** spec: letters, each followed by `:` when it takes an argument. Undefined on a usage error. */
export function getopt(argv: string[], spec: string): ParsedArgs | undefined {
  const options: Array<[string, string | undefined]> = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const at = spec.indexOf(letter);
      if (at < 0 || letter === ':') return undefined;
      if (spec[at + 1] !== ':') {
        options.push([letter, undefined]);
        continue;
      }
      let value = arg.slice(j + 1);
      if (value === '') {
        i++;
        if (i >= argv.length) return undefined;
        value = argv[i] as string;
      }
      options.push([letter, value]);
      break;
    }
  }
  return { options, operands: argv.slice(i) };
}

/** djb's scan_ulong: leading decimal digits (0 when none). */
export function scanNumber(text: string): number {
  const m = /^\d+/.exec(text);
  return m ? Number(m[0]) : 0;
}
