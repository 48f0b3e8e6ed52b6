import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errnoName, errorText } from '@fortress/core/errors';

test('errors print with djb texts, EAGAIN as temporary failure', () => {
  assert.equal(errorText({ code: 'ENOENT' }), 'file does not exist');
  assert.equal(errorText({ code: 'EAGAIN' }), 'temporary failure');
  assert.equal(errorText({ code: 'EACCES' }), 'access denied');
  assert.equal(errorText({ code: 'ENOSYS' }), 'unknown error');
  assert.equal(errorText(new Error('no code')), 'unknown error');
  assert.equal(errnoName(11), 'EAGAIN');
});
