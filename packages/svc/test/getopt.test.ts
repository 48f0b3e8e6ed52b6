import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags } from '@fortress/svc/getopt';

const L = 'udx';

test('clustered and separate letters, in order, duplicates kept', () => {
  assert.deepEqual(parseFlags(['-dx', '-u', '-d', 'a', 'b'], L), { flags: ['d', 'x', 'u', 'd'], operands: ['a', 'b'] });
});

test('options stop at the first operand', () => {
  assert.deepEqual(parseFlags(['a', '-u'], L), { flags: [], operands: ['a', '-u'] });
});

test('-- ends the options and is dropped', () => {
  assert.deepEqual(parseFlags(['-u', '--', '-d'], L), { flags: ['u'], operands: ['-d'] });
});

test('any argument starting with -- ends the options and is dropped, as djb getopt does', () => {
  assert.deepEqual(parseFlags(['--help', 'a'], L), { flags: [], operands: ['a'] });
});

test('a lone - is an operand', () => {
  assert.deepEqual(parseFlags(['-u', '-', 'a'], L), { flags: ['u'], operands: ['-', 'a'] });
});

test('an unknown letter is reported, with the letters before it', () => {
  const parsed = parseFlags(['-uz', 'a'], L);
  assert.equal(parsed.illegal, 'z');
  assert.deepEqual(parsed.flags, ['u']);
});

test('no arguments at all', () => {
  assert.deepEqual(parseFlags([], L), { flags: [], operands: [] });
});
