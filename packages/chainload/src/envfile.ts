// The dotenv-style file envfile reads: `NAME=value` lines, as Docker, systemd and dotenv users write them.
import { EXIT_PERMANENT, FortressError } from '@fortress/core/errors';
import type { EnvChange } from './environment.js';

/** A syntax error: `line N: REASON`, permanent (exit 100). */
function syntaxError(line: number, reason: string): FortressError {
  return new FortressError('ERR_ENVFILE_SYNTAX', `line ${line}: ${reason}`, undefined, EXIT_PERMANENT);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOUBLE_QUOTED_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  $: '$',
  '`': '`',
};

/**
 * Parses an env file. Blank lines and `#` comments are skipped; `export ` before a name is
 * allowed; a value is taken literally between single quotes, with `\n \t \r \\ \" \$` escapes
 * between double quotes (both may span lines), or unquoted up to a ` #` comment with surrounding
 * blanks removed. `NAME=` sets the empty string. No `$VAR` expansion is done.
 */
export function parseEnvFile(text: string): EnvChange[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // A NUL cannot be passed to a program in its environment.
  const nul = lines.findIndex((l) => l.includes('\0'));
  if (nul !== -1) throw syntaxError(nul + 1, 'NUL byte');
  const changes: EnvChange[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const number = i + 1;
    const line = lines[i]!.replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const assignment = line.replace(/^export[ \t]+/, '');
    const eq = assignment.indexOf('=');
    if (eq === -1) throw syntaxError(number, 'missing =');
    const name = assignment.slice(0, eq).replace(/[ \t]+$/, '');
    if (!NAME.test(name)) throw syntaxError(number, `invalid variable name ${JSON.stringify(name)}`);
    let rest = assignment.slice(eq + 1).replace(/^[ \t]+/, '');
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") {
      changes.push([name, unquoted(rest)]);
      continue;
    }
    // A quoted value: collect lines until the closing quote.
    let value = '';
    let pos = 1;
    for (;;) {
      const closing = findClosing(rest, pos, quote);
      if (closing !== -1) {
        value += rest.slice(pos, closing);
        rest = rest.slice(closing + 1);
        break;
      }
      value += `${rest.slice(pos)}\n`;
      i += 1;
      if (i >= lines.length) throw syntaxError(number, `unterminated ${quote === '"' ? 'double' : 'single'} quote`);
      rest = lines[i]!;
      pos = 0;
    }
    if (!/^[ \t]*(#.*)?$/.test(rest)) throw syntaxError(i + 1, 'text after closing quote');
    changes.push([name, quote === '"' ? unescapeDoubleQuoted(value) : value]);
  }
  return changes;
}

function unquoted(rest: string): string {
  const comment = rest.search(/[ \t]#/);
  return (comment === -1 ? rest : rest.slice(0, comment)).replace(/[ \t]+$/, '');
}

/** Index of the closing quote at or after `from`, skipping backslash escapes inside double quotes. */
function findClosing(s: string, from: number, quote: string): number {
  for (let j = from; j < s.length; j += 1) {
    if (quote === '"' && s[j] === '\\') j += 1;
    else if (s[j] === quote) return j;
  }
  return -1;
}

function unescapeDoubleQuoted(value: string): string {
  return value.replace(/\\(.)/gs, (whole, c: string) => DOUBLE_QUOTED_ESCAPES[c] ?? whole);
}
