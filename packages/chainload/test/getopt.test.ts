import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getopt } from '@fortress/chainload/getopt';

test('getopt: values joined or separate, flags grouped, stops at the first argument', () => {
  const r = getopt(['-m100', '-d', '5', '-nx', 'file', '-o', '3'], 'm:d:nx');
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
  assert.deepEqual(getopt(['-n', '--', '-x'], 'nx'), { options: [{ letter: 'n', value: undefined }], rest: ['-x'] });
  assert.deepEqual(getopt(['-', 'a'], 'nx'), { options: [], rest: ['-', 'a'] });
});

test('getopt: unknown option and missing value are refused', () => {
  assert.deepEqual(getopt(['-z'], 'nx'), { error: 'illegal option -- z' });
  assert.deepEqual(getopt(['-m'], 'm:'), { error: 'option requires an argument -- m' });
  assert.deepEqual(getopt(['-:'], 'm:'), { error: 'illegal option -- :' });
});
