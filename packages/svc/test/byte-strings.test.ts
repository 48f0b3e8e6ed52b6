import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteArgs, bytesOf, fromByteString, toByteString } from '@fortress/svc/byte-strings';

test('UTF-8 text round-trips through byte strings', () => {
  const text = 'café/ünï €';
  const bytes = toByteString(text);
  assert.equal(bytes.length, Buffer.byteLength(text));
  assert.deepEqual(bytesOf(bytes), Buffer.from(text));
  assert.equal(fromByteString(bytes), text);
});

test('arguments without lost bytes are converted without reading /proc', () => {
  assert.deepEqual(byteArgs(['a', 'é', '']), ['a', '\xc3\xa9', '']);
});

test('an argument that merely contains U+FFFD and matches nothing in cmdline stays as decoded', () => {
  assert.deepEqual(byteArgs(['\uFFFD-not-in-cmdline']), [toByteString('\uFFFD-not-in-cmdline')]);
});
