// djb's getopt (sgetopt over subgetopt, as daemontools 0.76 and ucspi-tcp 0.88 use it), for the
// classic programs. Letters cluster (`-ab`); a letter followed by `:` in the spec takes a value,
// the rest of its argument (`-xvalue`) or else the next argument (`-x value`, even `-x -y`).
// Options end at the first argument not starting with `-`, at a lone `-` (kept as an operand),
// and at any argument starting with `--`, which is skipped: `--` and `--x` alike.

export interface Getopt {
  /** [letter, value] in command-line order, duplicates included; value only for `x:` letters. */
  options: Array<[letter: string, value: string | undefined]>;
  /** The arguments after the options. */
  operands: string[];
  /** What stopped parsing, as getopt prints it: `illegal option -- X`, `option requires an argument -- X`. */
  problem?: string;
}

export function getopt(argv: readonly string[], spec: string): Getopt {
  const options: Getopt['options'] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg[0] !== '-' || arg.length === 1) break;
    i += 1;
    if (arg[1] === '-') break;
    for (let j = 1; j < arg.length; j += 1) {
      const letter = arg[j]!;
      const at = letterAt(spec, letter);
      if (at < 0) return { options, operands: argv.slice(i), problem: `illegal option -- ${letter}` };
      if (spec[at + 1] !== ':') {
        options.push([letter, undefined]);
        continue;
      }
      let value = arg.slice(j + 1);
      if (value === '') {
        if (i >= argv.length) return { options, operands: [], problem: `option requires an argument -- ${letter}` };
        value = argv[i]!;
        i += 1;
      }
      options.push([letter, value]);
      break;
    }
  }
  return { options, operands: argv.slice(i) };
}

// subgetopt's walk of the spec: a `:` is never a letter, it only marks the one before it.
function letterAt(spec: string, letter: string): number {
  for (let s = 0; s < spec.length; s += spec[s + 1] === ':' ? 2 : 1) {
    if (spec[s] === letter) return s;
  }
  return -1;
}

/** djb's scan_ulong: the leading decimal digits as a number (0 when there are none). */
export function scanNumber(text: string): number {
  const m = /^\d+/.exec(text);
  return m ? Number(m[0]) : 0;
}
