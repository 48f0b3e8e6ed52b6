import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PACKAGE } from '@fortress/supervise/package';

test('the package builds', () => assert.equal(PACKAGE, 'supervise'));
