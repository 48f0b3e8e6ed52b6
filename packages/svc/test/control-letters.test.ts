import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTROL_LETTERS, commandBytes, OPTION_LETTERS, SVC_USAGE } from '@fortress/svc/control-letters';

test('duplicates are dropped, first occurrence keeps its place', () => {
  assert.equal(commandBytes(['d', 'd', 'u']), 'du');
  assert.equal(commandBytes(['d', 'x', 'd', 'x', 'u']), 'dxu');
  assert.equal(commandBytes([]), '');
});

test('every letter maps to the same byte, and the getopt string holds exactly the table', () => {
  assert.equal(
    [...OPTION_LETTERS].sort().join(''),
    CONTROL_LETTERS.map((l) => l.letter)
      .sort()
      .join(''),
  );
  assert.equal(commandBytes([...OPTION_LETTERS]), OPTION_LETTERS);
});

test('the usage line starts with 0.76 text and appends the extension letters', () => {
  assert.equal(
    SVC_USAGE,
    'svc options: u up, d down, o once, x exit, p pause, c continue, h hup, a alarm, i interrupt, t term, k kill, ' +
      'q quit, 1 usr1, 2 usr2',
  );
});
