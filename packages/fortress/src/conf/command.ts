// The program tcpserver runs per connection, from `--command 'WORDS'` or the words after `--`,
// written into ./run so that sh hands tcpserver exactly those words at every start: `$VARS` and
// metacharacters inside quotes reach the program untouched, for it (or its own sh -c) to expand
// per connection, where TCPREMOTEIP and friends are set.
import { FortressError } from '@fortress/core/errors';
import { shellQuote } from './placeholders.js';

/** A command line that cannot be written into ./run as given: a usage error (exit 100). */
function commandError(text: string): FortressError {
  return new FortressError('ERR_COMMAND', text, undefined, 100);
}

// Outside quotes, sh would act on these at the start of ./run, not per connection.
const UNQUOTED_SPECIAL = /[|&;<>()$`*?[\]\\]/;

/**
 * Splits a command line into words as sh would, without expanding anything: single quotes and
 * double quotes (where `\` escapes `$`, backquote, `"`, `\`). Other sh syntax outside quotes
 * (`;`, `|`, `$X`, globs, redirections, backslashes) is refused with the advice to wrap it in
 * `sh -c '...'`, which then runs per connection.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const refuse = (what: string): never => {
    throw commandError(
      `--command: ${what} outside quotes in ${JSON.stringify(text)}: tcpserver runs one program with its arguments; ` +
        `for shell syntax or $VARS of the connection write sh -c '...'`,
    );
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw commandError(`--command: unterminated ' in ${JSON.stringify(text)}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '$`"\\'.includes(text[i + 1] as string)) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw commandError(`--command: unterminated " in ${JSON.stringify(text)}`);
      word = (word ?? '') + value;
      i++;
    } else if ((c === '#' || c === '~') && word === undefined) {
      refuse(c);
    } else if (UNQUOTED_SPECIAL.test(c)) {
      refuse(c);
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0) throw commandError('--command: no program given');
  return words;
}

/** The words as one line of sh: each quoted where it needs to be. */
export function quoteCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
