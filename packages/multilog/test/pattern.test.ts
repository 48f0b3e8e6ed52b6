import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPattern } from '@fortress/multilog/pattern';

function match(pattern: string, line: string): boolean {
  const l = Buffer.from(line);
  return matchPattern(Buffer.from(pattern), l, l.length);
}

test('literal patterns match the whole line only', () => {
  assert.equal(match('hello', 'hello'), true);
  assert.equal(match('hello', 'hello world'), false);
  assert.equal(match('hello', 'hell'), false);
  assert.equal(match('', ''), true);
  assert.equal(match('', 'x'), false);
});

test('a trailing star matches the rest, including nothing', () => {
  assert.equal(match('*', ''), true);
  assert.equal(match('*', 'anything at all'), true);
  assert.equal(match('STAT*', 'STATUS ok'), true);
  assert.equal(match('STAT*', 'STAT'), true);
  assert.equal(match('STAT*', 'a STAT'), false);
});

test('a star skips to the first occurrence of the next character, without backtracking', () => {
  assert.equal(match('named[*]: Cleaned cache *', 'named[135]: Cleaned cache of 3121 RRs'), true);
  assert.equal(match('* fatal: *', '@400000006b0cae1e003fe56c fatal: disk'), true);
  assert.equal(match('* fatal: *', 'x warning: fatal: disk'), false);
  assert.equal(match('*b', 'aab'), true);
  // The first "b" is taken; the rest must then match literally: no second try at the later "b".
  assert.equal(match('*bc', 'abxbc'), false);
  assert.equal(match('*x', 'abc'), false);
});

test('plus and minus inside a pattern are literals', () => {
  assert.equal(match('-+x', '-+x'), true);
  assert.equal(match('a-*', 'a-b'), true);
});
