import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getopt } from '@fortress/chainload/getopt';

test('getopt: values joined or separate, flags grouped, stops at the first argument', () => {
  const r = getopt('t', ['-m100', '-d', '5', '-nx', 'file', '-o', '3'], 'm:d:nx');
  assert.deepEqual(r, {
    options: [
      { letter: 'm', value: '100' },
      { letter: 'd', value: '5' },
      { letter: 'n', value: undefined },
      { letter: 'x', value: undefined },
    ],
    rest: ['file', '-o', '3'],
  });
});

test('getopt: -- ends the options and a lone - is an argument', () => {
  assert.deepEqual(getopt('t', ['-n', '--', '-x'], 'nx')?.rest, ['-x']);
  assert.deepEqual(getopt('t', ['-', 'a'], 'nx')?.rest, ['-', 'a']);
});

test('getopt: unknown option and missing value are refused', () => {
  assert.equal(getopt('t', ['-z'], 'nx'), undefined);
  assert.equal(getopt('t', ['-m'], 'm:'), undefined);
  assert.equal(getopt('t', ['-:'], 'm:'), undefined);
});
