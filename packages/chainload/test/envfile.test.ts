import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvFile } from '@fortress/chainload/envfile';
import { isFortressError } from '@fortress/core/errors';

test('parseEnvFile: plain, quoted, exported, commented and empty values', () => {
  const text = [
    '# a comment',
    '',
    'PLAIN=value',
    '  SPACED = padded value   ',
    'export EXPORTED=yes',
    'INLINE=abc # trailing comment',
    'HASH=a#b',
    "SINGLE='literal $HOME \\n # not a comment'",
    'DOUBLE="tab\\there \\"quoted\\" \\\\ \\$x" # comment',
    'EMPTY=',
    'QEMPTY=""',
    'CRLF=dos\r',
    'MULTI="line one',
    'line two"',
    'EQ=a=b',
  ].join('\n');
  assert.deepEqual(parseEnvFile(text), [
    ['PLAIN', 'value'],
    ['SPACED', 'padded value'],
    ['EXPORTED', 'yes'],
    ['INLINE', 'abc'],
    ['HASH', 'a#b'],
    ['SINGLE', 'literal $HOME \\n # not a comment'],
    ['DOUBLE', 'tab\there "quoted" \\ $x'],
    ['EMPTY', ''],
    ['QEMPTY', ''],
    ['CRLF', 'dos'],
    ['MULTI', 'line one\nline two'],
    ['EQ', 'a=b'],
  ]);
});

test('parseEnvFile: syntax errors carry the line number and reason', () => {
  const cases: [string, number, string][] = [
    ['A=1\nNOEQUALS\n', 2, 'missing ='],
    ['1BAD=x', 1, 'invalid variable name "1BAD"'],
    ['A B=x', 1, 'invalid variable name "A B"'],
    ['A="open\nstill open', 1, 'unterminated double quote'],
    ["A='x' junk", 1, 'text after closing quote'],
    ['A=1\nB=x\0y\n', 2, 'NUL byte'],
    ['A="multi\nline\0"\n', 2, 'NUL byte'],
  ];
  for (const [text, line, reason] of cases) {
    assert.throws(
      () => parseEnvFile(text),
      (err: unknown) =>
        isFortressError(err, 'ERR_ENVFILE_SYNTAX') && err.text === `line ${line}: ${reason}` && err.exitCode === 100,
      text,
    );
  }
});
