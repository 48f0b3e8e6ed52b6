// djb's getopt, case by case (the Debian comparisons are in chainload's and ucspi-tcp's tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getopt, scanNumber } from '@fortress/core/getopt';

test('clustered letters, values attached or separate, in order, duplicates kept', () => {
  assert.deepEqual(getopt(['-m100', '-d', '5', '-nx', '-n', 'file', '-o', '3'], 'm:d:nxo:'), {
    options: [
      ['m', '100'],
      ['d', '5'],
      ['n', undefined],
      ['x', undefined],
      ['n', undefined],
    ],
    operands: ['file', '-o', '3'],
  });
  assert.deepEqual(getopt(['-HRl0', '-c', '5'], 'HRl:c:').options, [
    ['H', undefined],
    ['R', undefined],
    ['l', '0'],
    ['c', '5'],
  ]);
});

test('a value is the next argument whatever it looks like: -x -y, -x --, -x ""', () => {
  assert.deepEqual(getopt(['-x', '-y', 'a'], 'x:y'), { options: [['x', '-y']], operands: ['a'] });
  assert.deepEqual(getopt(['-x', '--', 'a'], 'x:'), { options: [['x', '--']], operands: ['a'] });
  assert.deepEqual(getopt(['-x', '', 'a'], 'x:'), { options: [['x', '']], operands: ['a'] });
});

test('-- ends the options and is dropped; so is any --word; a lone - is an operand', () => {
  assert.deepEqual(getopt(['-n', '--', '-x'], 'nx'), { options: [['n', undefined]], operands: ['-x'] });
  assert.deepEqual(getopt(['--x', '-n', 'a'], 'nx'), { options: [], operands: ['-n', 'a'] });
  assert.deepEqual(getopt(['--help'], 'nx'), { options: [], operands: [] });
  assert.deepEqual(getopt(['-n', '-', 'a'], 'nx'), { options: [['n', undefined]], operands: ['-', 'a'] });
  assert.deepEqual(getopt(['a', '-n'], 'nx'), { options: [], operands: ['a', '-n'] });
  assert.deepEqual(getopt([], 'nx'), { options: [], operands: [] });
});

test('an unknown letter or a missing value stops parsing with getopt(3)s words', () => {
  assert.deepEqual(getopt(['-nz', 'a'], 'nx'), {
    options: [['n', undefined]],
    operands: ['a'],
    problem: 'illegal option -- z',
  });
  assert.equal(getopt(['-n-'], 'nx').problem, 'illegal option -- -');
  assert.equal(getopt(['-m'], 'm:').problem, 'option requires an argument -- m');
  assert.equal(getopt(['-nm'], 'nm:').problem, 'option requires an argument -- m');
  // A colon is never a letter, only the mark of one that takes a value.
  assert.equal(getopt(['-:'], 'm:').problem, 'illegal option -- :');
});

test('scanNumber reads leading digits as scan_ulong', () => {
  assert.deepEqual([scanNumber('12x'), scanNumber('x'), scanNumber(''), scanNumber('007')], [12, 0, 0, 7]);
});
